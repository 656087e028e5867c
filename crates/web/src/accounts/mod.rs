//! Sign-in, second factor, TOTP enrolment, sign-up, e-mail verification, password reset and
//! the account page.

pub mod apps;
pub mod staff;
pub mod tokens;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine as _;
use ratusz_app::AppError;
use ratusz_app::accounts::{Principal, SessionState};
use ratusz_core::roles::AccountKind;
use serde::Deserialize;

use crate::ctx::{Ctx, FormData, PageQuery};
use crate::errors::{FormErrors, PageError};
use crate::pages::{PageCtx, render, render_status, see_other};
use crate::{AppState, SESSION_COOKIE};

fn session_cookie(state: &AppState, value: String, remove: bool) -> HeaderValue {
    let mut c = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(state.cfg.secure_cookies)
        .same_site(SameSite::Lax)
        .build();
    if remove {
        c.make_removal();
    }
    HeaderValue::from_str(&c.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn with_cookie(mut resp: Response, cookie: HeaderValue) -> Response {
    resp.headers_mut().append(header::SET_COOKIE, cookie);
    resp
}

/// Where a fully signed-in user goes next.
fn landing(p: &Principal) -> &'static str {
    if p.kind() == AccountKind::Staff {
        "/panel"
    } else {
        "/"
    }
}

/// Where a session in a given state must go.
fn next_step(state: SessionState, staff: bool) -> &'static str {
    match state {
        SessionState::NeedsTotp => "/login/mfa",
        SessionState::NeedsEnrolment => "/mfa/setup",
        SessionState::Full if staff => "/panel",
        SessionState::Full => "/",
    }
}

// ------------------------------------------------------------------ sign-in

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    errors: FormErrors,
    email: String,
    notice: Option<String>,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    expired: String,
}

/// A page of this site to return to after signing in (a local path only, never another site).
fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 200
        && !next.chars().any(|c| c.is_control()))
    .then_some(next)
}

pub async fn login_page(
    ctx: Ctx,
    crate::ctx::PageQuery(q): crate::ctx::PageQuery<LoginQuery>,
) -> Result<Response, PageError> {
    if let Some(p) = &ctx.principal
        && let Some(state) = p.session_state()
    {
        return Ok(see_other(next_step(state, p.kind() == AccountKind::Staff)));
    }
    let t = ctx.tr();
    render(&LoginPage {
        page: PageCtx::new(&ctx, "sign-in-title"),
        errors: FormErrors::default(),
        email: String::new(),
        notice: (!q.expired.is_empty()).then(|| t.t("login-form-kept")),
        next: safe_next(&q.next).unwrap_or_default().to_owned(),
    })
}

pub async fn login_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<LoginForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tenant_id = ctx.tenant.tenant_id.clone();
    let (ip, ua) = (ctx.ip.clone(), ctx.user_agent.clone());
    let (email, password) = (form.email.clone(), form.password);
    let result = state
        .app
        .blocking(move |a| a.sign_in(&tenant_id, &email, &password, &ip, ua.as_deref()))
        .await;
    let t = ctx.tr();
    let message = match result {
        Ok(session) => {
            let to = match (session.state, safe_next(&form.next)) {
                (SessionState::Full, Some(next)) => next,
                _ => next_step(session.state, session.staff),
            };
            let resp = see_other(to);
            return Ok(with_cookie(
                resp,
                session_cookie(&state, session.token, false),
            ));
        }
        Err(AppError::BadCredentials) => t.t("login-bad-credentials"),
        Err(AppError::Conflict(c)) if c == "email_not_verified" => t.t("login-not-verified"),
        Err(e) => return Err(ctx.fail(e)),
    };
    let page = LoginPage {
        page: PageCtx::new(&ctx, "sign-in-title"),
        errors: FormErrors::one("password", message),
        email: form.email,
        notice: None,
        next: safe_next(&form.next).unwrap_or_default().to_owned(),
    };
    render_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

// ------------------------------------------------------------------ second factor

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    page: PageCtx,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

fn needs(ctx: &Ctx, want: SessionState) -> Result<Principal, &'static str> {
    match &ctx.principal {
        Some(p) if p.session_state() == Some(want) => Ok(p.clone()),
        Some(p) => Err(next_step(
            p.session_state().unwrap_or(SessionState::Full),
            p.kind() == AccountKind::Staff,
        )),
        None => Err("/login"),
    }
}

pub async fn mfa_page(ctx: Ctx) -> Result<Response, PageError> {
    if let Err(r) = needs(&ctx, SessionState::NeedsTotp) {
        return Ok(see_other(r));
    }
    render(&MfaPage {
        page: PageCtx::new(&ctx, "mfa-title"),
        errors: FormErrors::default(),
    })
}

pub async fn mfa_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CodeForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let principal = match needs(&ctx, SessionState::NeedsTotp) {
        Ok(p) => p,
        Err(r) => return Ok(see_other(r)),
    };
    let ip = ctx.ip.clone();
    let p = principal.clone();
    match state
        .app
        .blocking(move |a| a.verify_second_factor(&p, &form.code, &ip))
        .await
    {
        Ok(()) => Ok(see_other(landing(&principal))),
        Err(AppError::BadTotp) => render_status(
            &MfaPage {
                page: PageCtx::new(&ctx, "mfa-title"),
                errors: FormErrors::one("code", ctx.tr().t("mfa-bad-code")),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ TOTP enrolment

#[derive(Template)]
#[template(path = "mfa_setup.html")]
struct SetupPage {
    intro_id: &'static str,
    page: PageCtx,
    errors: FormErrors,
    qr_data_uri: String,
    secret_grouped: String,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryPage {
    page: PageCtx,
    codes: Vec<String>,
    next: &'static str,
}

/// Who may enrol: staff who must, or any fully signed-in user without TOTP (optional for
/// residents).
fn enrolling(ctx: &Ctx) -> Result<Principal, &'static str> {
    match &ctx.principal {
        Some(p) if p.session_state() == Some(SessionState::NeedsEnrolment) => Ok(p.clone()),
        Some(p)
            if p.session_state() == Some(SessionState::Full)
                && p.user.totp_enabled_at.is_none() =>
        {
            Ok(p.clone())
        }
        Some(p) => Err(next_step(
            p.session_state().unwrap_or(SessionState::Full),
            p.kind() == AccountKind::Staff,
        )),
        None => Err("/login"),
    }
}

fn qr_svg_data_uri(url: &str) -> Result<String, AppError> {
    let code =
        qrcode::QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(format!("qr: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn group4(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn setup_page_with(
    state: &AppState,
    ctx: &Ctx,
    p: Principal,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let intro_id = if p.kind() == AccountKind::Staff {
        "setup-intro"
    } else {
        "setup-intro-resident"
    };
    let enrolment = state
        .app
        .blocking(move |a| a.begin_enrolment(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    let qr = qr_svg_data_uri(&enrolment.otpauth_url).map_err(|e| ctx.fail(e))?;
    render_status(
        &SetupPage {
            intro_id,
            page: PageCtx::new(ctx, "setup-title"),
            errors,
            qr_data_uri: qr,
            secret_grouped: group4(&enrolment.secret_base32),
        },
        status,
    )
}

pub async fn setup_page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    match enrolling(&ctx) {
        Ok(p) => setup_page_with(&state, &ctx, p, FormErrors::default(), StatusCode::OK).await,
        Err(r) => Ok(see_other(r)),
    }
}

pub async fn setup_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CodeForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let principal = match enrolling(&ctx) {
        Ok(p) => p,
        Err(r) => return Ok(see_other(r)),
    };
    let p = principal.clone();
    match state
        .app
        .blocking(move |a| a.confirm_enrolment(&p, &form.code))
        .await
    {
        Ok(codes) => render(&RecoveryPage {
            page: PageCtx::new(&ctx, "recovery-title"),
            codes,
            next: landing(&principal),
        }),
        Err(AppError::Invalid(errs)) => {
            let errors = FormErrors::new(&errs, ctx.lang);
            setup_page_with(
                &state,
                &ctx,
                principal,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

// ------------------------------------------------------------------ sign-out

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    if let Some(p) = ctx.principal.clone() {
        state
            .app
            .blocking(move |a| a.sign_out(&p))
            .await
            .map_err(|e| ctx.fail(e))?;
    }
    Ok(with_cookie(
        see_other("/"),
        session_cookie(&state, String::new(), true),
    ))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let Some(p) = ctx.full().cloned() else {
        return Ok(see_other("/login"));
    };
    state
        .app
        .blocking(move |a| a.sign_out_everywhere(&p))
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(with_cookie(
        see_other("/login"),
        session_cookie(&state, String::new(), true),
    ))
}

// ------------------------------------------------------------------ sign-up and e-mail

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    page: PageCtx,
    errors: FormErrors,
    email: String,
    display_name: String,
}

impl SignupPage {
    /// The label of the new-password field in `_new_password_fields.html`.
    fn password_label(&self) -> &'static str {
        "field-password"
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: PageCtx,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
}

fn message(
    ctx: &Ctx,
    title_id: &str,
    body_ids: &[&str],
    link: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let t = ctx.tr();
    render(&MessagePage {
        page: PageCtx::new(ctx, title_id),
        paragraphs: body_ids.iter().map(|id| t.t(id)).collect(),
        link: link.map(|(href, label)| (href.to_owned(), t.t(label))),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignupForm {
    csrf: String,
    email: String,
    display_name: String,
    password: String,
    password_confirm: String,
}

pub async fn signup_page(ctx: Ctx) -> Result<Response, PageError> {
    render(&SignupPage {
        page: PageCtx::new(&ctx, "signup-title"),
        errors: FormErrors::default(),
        email: String::new(),
        display_name: String::new(),
    })
}

pub async fn signup_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<SignupForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let (email, name) = (form.email.clone(), form.display_name.clone());
    let result = state
        .app
        .blocking(move |a| {
            a.signup_resident(&tid, &email, &name, &form.password, &form.password_confirm)
        })
        .await;
    match result {
        Ok(()) => Ok(see_other("/signup/done")),
        Err(AppError::Invalid(errs)) => render_status(
            &SignupPage {
                page: PageCtx::new(&ctx, "signup-title"),
                errors: FormErrors::new(&errs, ctx.lang),
                email: form.email,
                display_name: form.display_name,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn signup_done(ctx: Ctx) -> Result<Response, PageError> {
    message(
        &ctx,
        "signup-done-title",
        &["signup-done-text", "signup-done-text2"],
        None,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

pub async fn verify_email(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Result<Response, PageError> {
    let tid = ctx.tenant.tenant_id.clone();
    state
        .app
        .blocking(move |a| a.verify_email(&tid, &q.token))
        .await
        .map_err(|e| ctx.fail(e))?;
    message(
        &ctx,
        "verify-done-title",
        &["verify-done-text"],
        Some(("/login", "nav-sign-in")),
    )
}

// ------------------------------------------------------------------ password reset

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    page: PageCtx,
    errors: FormErrors,
    email: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmailForm {
    csrf: String,
    email: String,
}

pub async fn forgot_page(ctx: Ctx) -> Result<Response, PageError> {
    render(&ForgotPage {
        page: PageCtx::new(&ctx, "forgot-title"),
        errors: FormErrors::default(),
        email: String::new(),
    })
}

pub async fn forgot_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<EmailForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let email = form.email.clone();
    match state
        .app
        .blocking(move |a| a.request_password_reset(&tid, &email))
        .await
    {
        Ok(()) => Ok(see_other("/password/forgot/done")),
        Err(AppError::Invalid(errs)) => render_status(
            &ForgotPage {
                page: PageCtx::new(&ctx, "forgot-title"),
                errors: FormErrors::new(&errs, ctx.lang),
                email: form.email,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn forgot_done(ctx: Ctx) -> Result<Response, PageError> {
    message(&ctx, "forgot-done-title", &["forgot-done-text"], None)
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    page: PageCtx,
    errors: FormErrors,
    token: String,
}

impl ResetPage {
    /// The label of the new-password field in `_new_password_fields.html`.
    fn password_label(&self) -> &'static str {
        "field-new-password"
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    csrf: String,
    token: String,
    password: String,
    password_confirm: String,
}

pub async fn reset_page(
    ctx: Ctx,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Result<Response, PageError> {
    render(&ResetPage {
        page: PageCtx::new(&ctx, "reset-title"),
        errors: FormErrors::default(),
        token: q.token,
    })
}

pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<ResetForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let tid = ctx.tenant.tenant_id.clone();
    let token = form.token.clone();
    match state
        .app
        .blocking(move |a| a.reset_password(&tid, &token, &form.password, &form.password_confirm))
        .await
    {
        Ok(()) => Ok(with_cookie(
            see_other("/password/reset/done"),
            session_cookie(&state, String::new(), true),
        )),
        Err(AppError::Invalid(errs)) => render_status(
            &ResetPage {
                page: PageCtx::new(&ctx, "reset-title"),
                errors: FormErrors::new(&errs, ctx.lang),
                token: form.token,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn reset_done(ctx: Ctx) -> Result<Response, PageError> {
    message(
        &ctx,
        "reset-done-title",
        &["reset-done-text"],
        Some(("/login", "nav-sign-in")),
    )
}

// ------------------------------------------------------------------ account

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageCtx,
    name: String,
    email: String,
    mfa_on: bool,
    notice: Option<String>,
    devices: Vec<DeviceView>,
}

pub struct DeviceView {
    pub last_seen: String,
    pub signed_in: String,
    pub ip: String,
    pub browser: String,
    pub current: bool,
}

/// A short, readable browser name from a User-Agent (for recognising one's own devices).
fn browser_name(ua: Option<&str>) -> String {
    let Some(ua) = ua else { return "?".into() };
    let browser = ["Edg/", "OPR/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| ua.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "OPR/" => "Opera",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| *v);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b}, {s}"),
        (Some(b), None) => b.into(),
        (None, Some(s)) => s.into(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountQuery {
    changed: Option<String>,
}

pub async fn account_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageQuery(q): PageQuery<AccountQuery>,
) -> Result<Response, PageError> {
    let Some(p) = ctx.full().cloned() else {
        return Ok(see_other("/login"));
    };
    let principal = p.clone();
    let devices = state
        .app
        .blocking(move |a| a.my_sessions(&principal))
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .map(|d| DeviceView {
            last_seen: crate::panel::format_ts(d.last_seen_at),
            signed_in: crate::panel::format_ts(d.created_at),
            ip: d.ip.unwrap_or_default(),
            browser: browser_name(d.user_agent.as_deref()),
            current: d.current,
        })
        .collect();
    render(&AccountPage {
        devices,
        page: PageCtx::new(&ctx, "account-title"),
        name: p.user.display_name.clone(),
        email: p.user.email.clone(),
        mfa_on: p.user.totp_enabled_at.is_some(),
        notice: q.changed.map(|_| ctx.tr().t("password-changed")),
    })
}

#[derive(Template)]
#[template(path = "password_change.html")]
struct PasswordChangePage {
    page: PageCtx,
    errors: FormErrors,
}

impl PasswordChangePage {
    /// The label of the new-password field in `_new_password_fields.html`.
    fn password_label(&self) -> &'static str {
        "field-new-password"
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordChangeForm {
    csrf: String,
    current_password: String,
    password: String,
    password_confirm: String,
}

pub async fn password_change_page(ctx: Ctx) -> Result<Response, PageError> {
    if ctx.full().is_none() {
        return Ok(see_other("/login"));
    }
    render(&PasswordChangePage {
        page: PageCtx::new(&ctx, "password-change-title"),
        errors: FormErrors::default(),
    })
}

pub async fn password_change_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    FormData(form): FormData<PasswordChangeForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let Some(p) = ctx.full().cloned() else {
        return Ok(see_other("/login"));
    };
    match state
        .app
        .blocking(move |a| {
            a.change_password(
                &p,
                &form.current_password,
                &form.password,
                &form.password_confirm,
            )
        })
        .await
    {
        Ok(()) => Ok(see_other("/account?changed=1")),
        Err(AppError::Invalid(errs)) => render_status(
            &PasswordChangePage {
                page: PageCtx::new(&ctx, "password-change-title"),
                errors: FormErrors::new(&errs, ctx.lang),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(ctx.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::group4;

    #[test]
    fn browsers_are_named_plainly() {
        use super::browser_name;
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(browser_name(Some(chrome)), "Chrome, Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120";
        assert_eq!(browser_name(Some(edge)), "Edge, Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1";
        assert_eq!(browser_name(Some(iphone)), "Safari, iPhone");
        assert_eq!(browser_name(None), "?");
    }

    #[test]
    fn secrets_are_grouped_for_reading() {
        assert_eq!(group4("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
