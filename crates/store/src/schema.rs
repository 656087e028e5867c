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

diesel::table! {
    counters (tenant_id, scope) {
        tenant_id -> Text,
        scope -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    file_classes (id) {
        id -> Text,
        tenant_id -> Text,
        symbol -> Text,
        heading -> Text,
        category -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    incoming_items (id) {
        id -> Text,
        tenant_id -> Text,
        year -> Integer,
        number -> BigInt,
        item_ref -> Text,
        channel -> Text,
        kind -> Text,
        title -> Text,
        sender_name -> Text,
        sender_address -> Text,
        sender_reference -> Nullable<Text>,
        letter_date -> Nullable<Text>,
        received_on -> Text,
        registered_at -> BigInt,
        registered_by -> Text,
        access_level -> Text,
        attachments_count -> Integer,
        paper_store_no -> Nullable<BigInt>,
        unit_id -> Nullable<Text>,
        handler_id -> Nullable<Text>,
        case_id -> Nullable<Text>,
        notes -> Text,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        tenant_id -> Text,
        object_type -> Text,
        object_id -> Text,
        unit_id -> Text,
        handler_id -> Nullable<Text>,
        manner -> Nullable<Text>,
        deadline -> Nullable<Text>,
        note -> Text,
        assigned_by -> Text,
        assigned_at -> BigInt,
        changed_at -> Nullable<BigInt>,
        superseded_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        tenant_id -> Text,
        sign -> Text,
        unit_id -> Text,
        class_symbol -> Text,
        year -> Integer,
        number -> BigInt,
        title -> Text,
        procedure_kind -> Text,
        complicated -> Bool,
        status -> Text,
        handler_id -> Nullable<Text>,
        opened_by -> Text,
        access_level -> Text,
        start_date -> Text,
        due_date -> Nullable<Text>,
        extension_due -> Nullable<Text>,
        extension_reason -> Nullable<Text>,
        incoming_item_id -> Nullable<Text>,
        closed_on -> Nullable<Text>,
        final_document_id -> Nullable<Text>,
        transfer_id -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    case_pauses (id) {
        id -> Text,
        tenant_id -> Text,
        case_id -> Text,
        reason -> Text,
        from_date -> Text,
        until_date -> Nullable<Text>,
        document_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    case_parties (id) {
        id -> Text,
        tenant_id -> Text,
        case_id -> Text,
        role -> Text,
        name -> Text,
        address -> Text,
        email -> Nullable<Text>,
        edelivery_address -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    case_links (case_id, related_case_id) {
        tenant_id -> Text,
        case_id -> Text,
        related_case_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    case_log (id) {
        id -> Text,
        tenant_id -> Text,
        case_id -> Text,
        seq -> BigInt,
        at -> BigInt,
        actor_id -> Nullable<Text>,
        actor_label -> Text,
        action -> Text,
        document_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        tenant_id -> Text,
        case_id -> Nullable<Text>,
        incoming_item_id -> Nullable<Text>,
        title -> Text,
        kind -> Text,
        direction -> Text,
        status -> Text,
        access_level -> Text,
        author_id -> Nullable<Text>,
        template_id -> Nullable<Text>,
        addressee_name -> Nullable<Text>,
        addressee_address -> Nullable<Text>,
        self_approval -> Bool,
        current_version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    document_versions (id) {
        id -> Text,
        tenant_id -> Text,
        document_id -> Text,
        version -> Integer,
        blob_key -> Text,
        file_name -> Text,
        media_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        text_content -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    approval_steps (id) {
        id -> Text,
        tenant_id -> Text,
        document_id -> Text,
        round -> Integer,
        position -> Integer,
        approver_id -> Text,
        status -> Text,
        comment -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    outgoing_items (id) {
        id -> Text,
        tenant_id -> Text,
        year -> Integer,
        number -> BigInt,
        item_ref -> Text,
        case_id -> Text,
        document_id -> Text,
        addressee_name -> Text,
        addressee_address -> Text,
        dispatch_method -> Text,
        registered_by -> Text,
        registered_at -> BigInt,
    }
}

diesel::table! {
    letter_templates (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
        created_by -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    archive_transfers (id) {
        id -> Text,
        tenant_id -> Text,
        unit_id -> Text,
        number -> BigInt,
        year -> Integer,
        created_by -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    search_changes (tenant_id, seq) {
        tenant_id -> Text,
        seq -> BigInt,
        object_type -> Text,
        object_id -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    document_texts (tenant_id, document_id) {
        tenant_id -> Text,
        document_id -> Text,
        sha256 -> Text,
        method -> Text,
        pages -> Integer,
        ocr_confidence -> Nullable<Integer>,
        problem -> Nullable<Text>,
        problem_detail -> Text,
        body -> Text,
        extracted_at -> BigInt,
    }
}

diesel::table! {
    intake_items (tenant_id, item_id) {
        tenant_id -> Text,
        item_id -> Text,
        status -> Text,
        source -> Text,
        problem -> Nullable<Text>,
        problem_detail -> Text,
        suggestions -> Text,
        facts -> Text,
        content_sha256 -> Nullable<Text>,
        fingerprint -> Nullable<BigInt>,
        duplicate_of -> Nullable<Text>,
        duplicate_kind -> Nullable<Text>,
        linked_case_id -> Nullable<Text>,
        draft_document_id -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    intake_sources (tenant_id, source_key) {
        tenant_id -> Text,
        source_key -> Text,
        item_id -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    intake_rules (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        match_kind -> Text,
        pattern -> Text,
        unit_id -> Text,
        class_symbol -> Nullable<Text>,
        procedure_kind -> Nullable<Text>,
        item_kind -> Nullable<Text>,
        weight -> Integer,
        forward_to -> Nullable<Text>,
        forward_address -> Nullable<Text>,
        required -> Text,
        enabled -> Bool,
        created_by -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    intake_models (id) {
        id -> Text,
        tenant_id -> Text,
        target -> Text,
        version -> BigInt,
        blob_key -> Text,
        sha256 -> Text,
        examples -> BigInt,
        metrics -> Text,
        trained_at -> BigInt,
        trained_by -> Text,
    }
}

diesel::table! {
    generated_documents (tenant_id, document_id) {
        tenant_id -> Text,
        document_id -> Text,
        generator -> Text,
        created_at -> BigInt,
    }
}

diesel::joinable!(units -> tenants (tenant_id));
diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::table! {
    eservices (id) {
        id -> Text,
        tenant_id -> Text,
        slug -> Text,
        name_pl -> Text,
        name_en -> Text,
        summary_pl -> Text,
        summary_en -> Text,
        life_situations -> Text,
        search_text -> Text,
        unit_id -> Text,
        class_symbol -> Text,
        definition -> Text,
        published -> Bool,
        version -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    submission_drafts (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        service_id -> Text,
        answers -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    form_stashes (token_hash) {
        token_hash -> Text,
        tenant_id -> Text,
        service_id -> Text,
        answers -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    submissions (id) {
        id -> Text,
        tenant_id -> Text,
        service_id -> Text,
        service_version -> Integer,
        user_id -> Text,
        idempotency_key -> Text,
        year -> Integer,
        number -> BigInt,
        receipt_number -> Text,
        received_at -> BigInt,
        content_sha256 -> Text,
        receipt -> Text,
        tracking_hash -> Text,
        incoming_item_id -> Text,
    }
}

diesel::table! {
    portal_messages (id) {
        id -> Text,
        tenant_id -> Text,
        submission_id -> Text,
        direction -> Text,
        kind -> Text,
        body -> Text,
        author_id -> Text,
        incoming_item_id -> Nullable<Text>,
        created_at -> BigInt,
        read_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    portal_message_files (message_id, document_id) {
        message_id -> Text,
        tenant_id -> Text,
        document_id -> Text,
    }
}

diesel::table! {
    portal_deliveries (id) {
        id -> Text,
        tenant_id -> Text,
        submission_id -> Text,
        case_id -> Text,
        outgoing_item_id -> Text,
        document_id -> Text,
        recipient_id -> Text,
        title -> Text,
        document_kind -> Text,
        available_at -> BigInt,
        opened_at -> Nullable<BigInt>,
        deemed_at -> Nullable<BigInt>,
        reply_by -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        submission_id -> Nullable<Text>,
        event_key -> Text,
        kind -> Text,
        params -> Text,
        created_at -> BigInt,
        read_at -> Nullable<BigInt>,
        mail_id -> Nullable<Text>,
    }
}

diesel::table! {
    notification_preferences (user_id) {
        user_id -> Text,
        tenant_id -> Text,
        email_status -> Bool,
        email_messages -> Bool,
        email_deadlines -> Bool,
        email_surveys -> Bool,
        updated_at -> BigInt,
    }
}

diesel::table! {
    satisfaction_answers (submission_id) {
        submission_id -> Text,
        tenant_id -> Text,
        service_id -> Text,
        unit_id -> Text,
        rating -> Integer,
        comment -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    address_points (id) {
        id -> Text,
        tenant_id -> Text,
        locality -> Text,
        street -> Text,
        number -> Text,
        postcode -> Text,
        lat -> Double,
        lon -> Double,
        district -> Text,
    }
}

diesel::table! {
    alert_subscribers (id) {
        id -> Text,
        tenant_id -> Text,
        channel -> Text,
        address -> Text,
        topics -> Text,
        localities -> Text,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        place_label -> Text,
        status -> Text,
        token -> Text,
        created_at -> BigInt,
        confirmed_at -> Nullable<BigInt>,
        unsubscribed_at -> Nullable<BigInt>,
        confirm_code -> Nullable<Text>,
        confirm_attempts -> Integer,
        short_code -> Nullable<Text>,
        push_p256dh -> Nullable<Text>,
        push_auth -> Nullable<Text>,
    }
}

diesel::table! {
    alerts (id) {
        id -> Text,
        tenant_id -> Text,
        identifier -> Text,
        workflow -> Text,
        template -> Nullable<Text>,
        cap -> Text,
        sms_text -> Text,
        localities -> Text,
        author_id -> Text,
        approver_id -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        submitted_at -> Nullable<BigInt>,
        approved_at -> Nullable<BigInt>,
        fanned_out_at -> Nullable<BigInt>,
        escalation -> Nullable<Text>,
        escalation_stage -> Integer,
    }
}

diesel::table! {
    alert_deliveries (alert_id, recipient, channel) {
        tenant_id -> Text,
        alert_id -> Text,
        recipient -> Text,
        channel -> Text,
        address -> Text,
        mail_id -> Nullable<Text>,
        created_at -> BigInt,
        sms_id -> Nullable<Text>,
        confirm_token -> Nullable<Text>,
        confirmed_at -> Nullable<BigInt>,
        stage -> Integer,
        push_id -> Nullable<Text>,
    }
}

diesel::table! {
    sms_outbox (id) {
        id -> Text,
        tenant_id -> Text,
        to_number -> Text,
        template -> Text,
        param -> Text,
        status -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        gateway_id -> Nullable<Text>,
    }
}

diesel::table! {
    push_outbox (id) {
        id -> Text,
        tenant_id -> Text,
        subscriber_id -> Text,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        payload -> Text,
        urgency -> Text,
        ttl_secs -> BigInt,
        status -> Text,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    tenant_keys (tenant_id, name) {
        tenant_id -> Text,
        name -> Text,
        value -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    cap_feeds (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        url -> Text,
        every_minutes -> BigInt,
        created_at -> BigInt,
        checked_at -> Nullable<BigInt>,
        last_status -> Nullable<Text>,
        last_error -> Nullable<Text>,
        published -> BigInt,
    }
}

diesel::table! {
    cap_feed_entries (feed_id, entry_key) {
        tenant_id -> Text,
        feed_id -> Text,
        entry_key -> Text,
        alert_id -> Nullable<Text>,
        error -> Nullable<Text>,
        seen_at -> BigInt,
    }
}

diesel::table! {
    alert_opens (tenant_id, alert_id, channel, minute) {
        tenant_id -> Text,
        alert_id -> Text,
        channel -> Text,
        minute -> BigInt,
        opens -> BigInt,
    }
}

diesel::table! {
    alert_form_sends (id) {
        id -> Text,
        tenant_id -> Text,
        ip -> Text,
        channel -> Text,
        at -> BigInt,
    }
}

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
    counters,
    file_classes,
    incoming_items,
    assignments,
    cases,
    case_pauses,
    case_parties,
    case_links,
    case_log,
    documents,
    document_versions,
    approval_steps,
    outgoing_items,
    letter_templates,
    archive_transfers,
    search_changes,
    eservices,
    submission_drafts,
    form_stashes,
    submissions,
    portal_messages,
    portal_message_files,
    portal_deliveries,
    notifications,
    notification_preferences,
    satisfaction_answers,
    document_texts,
    intake_items,
    intake_sources,
    intake_rules,
    intake_models,
    generated_documents,
    address_points,
    alert_subscribers,
    alerts,
    alert_deliveries,
    sms_outbox,
    push_outbox,
    tenant_keys,
    cap_feeds,
    cap_feed_entries,
    alert_opens,
    alert_form_sends,
);
