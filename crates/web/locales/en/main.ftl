# Ratusz — English.

skip-to-content = Skip to content
nav-label = Main menu
nav-home = Home
nav-panel = Staff panel
nav-account = My account
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-sign-up = Create account
lang-switch = Polski
footer-text = Ratusz — the municipality's digital office. Open-source software.

error-code = Error code
error-back-home = Back to the home page
form-has-errors = Please correct the marked fields

home-title = Welcome to the e-office: { $office }
home-lead = Handle your matters with the office online, at any time.
home-services-title = Services
home-services-soon = The catalogue of e-services will appear here soon.
home-signed-in-as = You are signed in as { $name }.
home-account-title = Portal account
home-account-text = Create an account to submit applications and follow your matters.

sign-in-title = Sign in
field-email = E-mail address
field-password = Password
sign-in-button = Sign in
forgot-link = Forgot your password?
no-account = No account yet?
login-bad-credentials = The e-mail address or password is wrong. Check them and try again.
login-not-verified = Confirm your e-mail address first: click the link in the message we sent when you signed up.
login-signed-out = You are signed out.

mfa-title = Two-step verification
mfa-intro = Open the authenticator app on your phone and enter the code for your office account.
field-totp-code = Code from the app
mfa-code-hint = 6 digits. Without your phone, enter one of your recovery codes.
mfa-button = Confirm
mfa-bad-code = The code is wrong or expired. Enter the current code from the app or a recovery code.

setup-title = Turn on two-step verification
setup-intro = Office staff sign in with a password and a code from their phone. This protects residents' data even if someone learns the password.
setup-step-app = Install an authenticator app on your phone (e.g. FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator).
setup-step-scan = Scan the QR code or type in the key shown below it.
setup-step-code = Enter the 6-digit code the app shows.
setup-qr-alt = QR code for adding the account to an authenticator app
setup-manual = Key to type in by hand:
setup-button = Turn on two-step verification

recovery-title = Recovery codes
recovery-intro = Two-step verification is on. Keep these codes somewhere safe. Each works once, when you do not have your phone.
recovery-warning = You see the codes only now. Do not keep them on the phone with the app.
recovery-continue = Continue

signup-title = Create account
signup-intro = With an account you can submit applications, follow your matters and receive letters from the office.
field-display-name = Full name
password-hint = At least 12 characters. A few words work best, e.g. "green meadow by the river".
field-password-confirm = Repeat password
signup-button = Create account
signup-done-title = Check your mailbox
signup-done-text = We sent you a message with a link. Click it to confirm your e-mail address and finish creating the account.
signup-done-text2 = No message? Check the spam folder or wait a few minutes.

verify-done-title = E-mail address confirmed
verify-done-text = Thank you. You can sign in now.

forgot-title = Forgot your password?
forgot-intro = Enter the e-mail address of your account. We will send a link to set a new password.
forgot-button = Send link
forgot-done-title = Check your mailbox
forgot-done-text = If an account with this address exists, we sent it a link to set a new password. The link is valid for 1 hour.

reset-title = Set a new password
field-new-password = New password
reset-button = Save the new password
reset-done-title = Password changed
reset-done-text = Your new password is saved. We signed you out on all devices. Sign in with the new password.

account-title = My account
account-mfa = Two-step verification
account-mfa-on = on
account-mfa-off = off
account-enable-mfa = Turn on two-step verification
account-sessions-title = Signed-in devices
account-sessions-text = If you signed in on someone else's computer or lost your phone, sign out on all devices.
account-sign-out-everywhere = Sign out on all devices

admin-nav-label = Panel menu
panel-home = Dashboard
admin-units = Organisational units
admin-users = Staff
admin-outbox = Sent messages
admin-audit = Audit log

panel-title = Staff panel
panel-welcome = Hello, { $name }.
panel-roles = Your roles
panel-more-soon = Registers, cases and tasks will appear here in later versions.

units-title = Organisational units
units-caption = Organisational units of the office
field-symbol = Symbol
field-name = Name
units-new = New unit
symbol-hint = A short symbol in capital letters, e.g. GK. It appears in case signs.
units-add-button = Add unit
unit-created = Unit { $symbol } added.

users-title = Staff
users-caption = Staff accounts of the office
users-roles = Roles
users-actions = Actions
users-reset-mfa = Reset two-step verification
users-new = New staff account
field-temp-password = Temporary password
temp-password-hint = At least 12 characters. Hand it over in person; at the first sign-in the employee turns on two-step verification.
field-role = Role
field-unit = Unit
unit-hint = A clerk and a manager must have a unit.
unit-none = (whole office)
users-create-button = Create account
user-created = Account { $email } created.
mfa-reset-done = Two-step verification of { $email } was reset. The employee turns it on again at the next sign-in.

role-clerk = Clerk
role-manager = Manager
role-registrar = Registry desk
role-admin = Administrator
role-resident = Resident

outbox-title = Sent messages
outbox-smtp-on = Messages are sent through the configured mail server (SMTP).
outbox-smtp-off = No mail server (SMTP) is configured: messages wait here and are not sent.
outbox-empty = No messages.
outbox-caption = E-mail messages, newest first
outbox-when = When
outbox-to = To
outbox-subject = Subject
outbox-status = Status
mail-status-queued = queued
mail-status-sent = sent
mail-status-held = in the outbox
mail-status-failed = failed

audit-title = Audit log
audit-chain-title = Integrity of the log
audit-chain-ok = The log is intact: { $count } events, each linked to the one before.
audit-chain-bad = WARNING: the log was altered. { $detail }
audit-caption = Latest events, newest first
audit-actor = Who
audit-action = Action
audit-object = Object

error-not-found-title = Page not found
error-not-found-body = The page does not exist or has moved. Check the address.
error-unknown-tenant-title = Unknown municipality
error-unknown-tenant-body = No office is served at this address. Check the address or contact the administrator.
error-csrf-title = The form expired
error-csrf-body = For your security the form is no longer valid. Go back, reload the page and send it again.
error-forbidden-title = No access
error-forbidden-body = You may not open this page. Sign in with the right account or ask the administrator for access.
error-too-large-title = Too much data
error-too-large-body = The form you sent is too large. Shorten it and try again.
error-bad-form-title = Invalid form
error-bad-form-body = We could not read the form. Go back, reload the page and try again.
error-method-title = Operation not allowed
error-method-body = This page cannot be used like that. Go back and use the links or buttons on the page.
error-internal-title = Something went wrong
error-internal-body = Something went wrong on our side. Nothing saved before was lost. Try again in a moment.
error-token-title = The link is not valid
error-token-body = The link has expired or was already used. Ask for a new one.
error-throttled-title = Too many attempts
error-throttled-body = There were too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password.
error-unavailable-title = Service temporarily unavailable
error-unavailable-body = We cannot handle the request now. Try again in a few minutes.

api-unauthenticated = No valid token. Send the header Authorization: Bearer with an API token.
api-forbidden = The token may not perform this operation.
api-not-found = Resource not found.
api-malformed-json = The request body is not valid JSON matching the schema.
api-too-large = The request body is too large.
api-invalid = The data is invalid; see the list of fields.
api-throttled = Too many attempts. Try later.
api-conflict = The resource already exists or is in a conflicting state.
api-unavailable = Service temporarily unavailable.
api-internal = Internal error. Try again.
api-malformed-query = The query parameters are invalid; check their names and values.

users-status = Status
users-active = active
users-disabled = disabled
users-disable = Disable account
users-enable = Enable account
user-disabled = Account { $email } disabled. Its sessions ended and its API tokens stopped working.
user-enabled = Account { $email } enabled.
roles-grant-title = Grant a role
roles-grant-intro = An employee may hold several roles, e.g. clerk in one unit and manager in another.
field-user = Employee
roles-grant-button = Grant role
role-granted = Role granted to { $email }.
account-change-password = Change password
password-change-title = Change password
field-current-password = Current password
password-change-button = Change password
password-changed = Password changed. You were signed out on all other devices.

action-api-token-create = API token created
action-api-token-revoke = API token revoked
action-auth-password-accepted = Password accepted (code pending)
action-auth-second-factor-failed = Wrong two-step code
action-auth-sign-in = Signed in
action-auth-sign-in-failed = Failed sign-in
action-auth-sign-out = Signed out
action-auth-sign-out-everywhere = Signed out on all devices
action-jobs-retry-dead = Failed jobs retried
action-role-grant = Role granted
action-tenant-create = Municipality created
action-unit-create = Unit created
action-user-create = Account created
action-user-disable = Account disabled
action-user-email-verified = E-mail address confirmed
action-user-enable = Account enabled
action-user-mfa-reset = Two-step verification reset
action-user-password-change = Password changed
action-user-password-reset = New password set from a link
action-user-password-reset-requested = Password link requested
action-user-signup = Resident signed up
action-user-totp-enabled = Two-step verification turned on
audit-head = The log has { $count } events. Hash of the latest event:
audit-verify-link = Check the integrity of the whole log
audit-older = Older events
audit-newest = Newest events
