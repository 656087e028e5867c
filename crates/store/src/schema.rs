//! Diesel schema shared by both backends. Column types are limited to those both SQLite and
//! PostgreSQL map identically under `MultiConnection`: Text, BigInt, Integer, Bool.

diesel::table! {
    tenants (tenant_id) {
        tenant_id -> Text,
        slug -> Text,
        name -> Text,
        settings -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    tenant_hosts (host) {
        host -> Text,
        tenant_id -> Text,
    }
}

diesel::table! {
    units (id) {
        id -> Text,
        tenant_id -> Text,
        symbol -> Text,
        name -> Text,
        parent_id -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        email -> Text,
        email_key -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        email_verified_at -> Nullable<BigInt>,
        totp_secret -> Nullable<Text>,
        totp_enabled_at -> Nullable<BigInt>,
        totp_last_step -> Nullable<BigInt>,
        disabled_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    user_roles (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        role -> Text,
        unit_id -> Nullable<Text>,
        granted_by -> Nullable<Text>,
        granted_at -> BigInt,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        csrf_token -> Text,
        mfa_verified -> Bool,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        expires_at -> BigInt,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        tenant_id -> Text,
        email_key -> Text,
        ip -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        tenant_id -> Text,
        seq -> BigInt,
        at -> BigInt,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_label -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_heads (tenant_id) {
        tenant_id -> Text,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> BigInt,
        lease_until -> Nullable<BigInt>,
        locked_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    mail_messages (id) {
        id -> Text,
        tenant_id -> Text,
        to_addr -> Text,
        subject -> Text,
        body_text -> Text,
        status -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(units -> tenants (tenant_id));
diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    tenant_hosts,
    units,
    users,
    user_roles,
    recovery_codes,
    sessions,
    login_failures,
    api_tokens,
    email_tokens,
    audit_events,
    audit_heads,
    jobs,
    mail_messages,
);
