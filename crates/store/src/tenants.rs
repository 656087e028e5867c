//! Tenants (municipalities), their host names, and organisational units.

use diesel::prelude::*;

use crate::schema::{tenant_hosts, tenant_keys, tenants, units};
use crate::{Db, Result};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tenants)]
pub struct TenantRow {
    pub tenant_id: String,
    pub slug: String,
    pub name: String,
    /// JSON object of office settings (address, contact, …), kept open for later capabilities.
    pub settings: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: String,
    pub tenant_id: String,
    pub symbol: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub created_at: i64,
}

pub fn insert_tenant(conn: &mut Db, row: &TenantRow) -> Result<()> {
    diesel::insert_into(tenants::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn tenant(conn: &mut Db, tenant_id: &str) -> Result<TenantRow> {
    Ok(tenants::table
        .find(tenant_id)
        .select(TenantRow::as_select())
        .first(conn)?)
}

pub fn tenant_by_slug(conn: &mut Db, slug: &str) -> Result<Option<TenantRow>> {
    Ok(tenants::table
        .filter(tenants::slug.eq(slug))
        .select(TenantRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn tenant_by_host(conn: &mut Db, host: &str) -> Result<Option<TenantRow>> {
    Ok(tenant_hosts::table
        .inner_join(tenants::table.on(tenants::tenant_id.eq(tenant_hosts::tenant_id)))
        .filter(tenant_hosts::host.eq(host))
        .select(TenantRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_tenants(conn: &mut Db) -> Result<Vec<TenantRow>> {
    Ok(tenants::table
        .order(tenants::slug.asc())
        .select(TenantRow::as_select())
        .load(conn)?)
}

pub fn add_host(conn: &mut Db, tenant_id: &str, host: &str) -> Result<()> {
    diesel::insert_into(tenant_hosts::table)
        .values((
            tenant_hosts::host.eq(host),
            tenant_hosts::tenant_id.eq(tenant_id),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn hosts(conn: &mut Db, tenant_id: &str) -> Result<Vec<String>> {
    Ok(tenant_hosts::table
        .filter(tenant_hosts::tenant_id.eq(tenant_id))
        .select(tenant_hosts::host)
        .order(tenant_hosts::host.asc())
        .load(conn)?)
}

pub fn insert_unit(conn: &mut Db, row: &UnitRow) -> Result<()> {
    diesel::insert_into(units::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn units(conn: &mut Db, tenant_id: &str) -> Result<Vec<UnitRow>> {
    Ok(units::table
        .filter(units::tenant_id.eq(tenant_id))
        .order(units::symbol.asc())
        .select(UnitRow::as_select())
        .load(conn)?)
}

pub fn unit(conn: &mut Db, tenant_id: &str, id: &str) -> Result<Option<UnitRow>> {
    Ok(units::table
        .filter(units::tenant_id.eq(tenant_id))
        .filter(units::id.eq(id))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn unit_by_symbol(conn: &mut Db, tenant_id: &str, symbol: &str) -> Result<Option<UnitRow>> {
    Ok(units::table
        .filter(units::tenant_id.eq(tenant_id))
        .filter(units::symbol.eq(symbol))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_settings(conn: &mut Db, tenant_id: &str, settings: &str) -> Result<()> {
    use crate::schema::tenants;
    diesel::update(tenants::table.filter(tenants::tenant_id.eq(tenant_id)))
        .set(tenants::settings.eq(settings))
        .execute(conn)?;
    Ok(())
}

/// A municipality's key by name (the VAPID key of web push).
pub fn tenant_key(conn: &mut Db, tenant_id: &str, name: &str) -> Result<Option<String>> {
    Ok(tenant_keys::table
        .filter(tenant_keys::tenant_id.eq(tenant_id))
        .filter(tenant_keys::name.eq(name))
        .select(tenant_keys::value)
        .first(conn)
        .optional()?)
}

/// Stores a key unless the municipality has one of that name (nodes starting at once keep
/// the first).
pub fn insert_tenant_key(
    conn: &mut Db,
    tenant_id: &str,
    name: &str,
    value: &str,
    now: i64,
) -> Result<()> {
    let row = (
        tenant_keys::tenant_id.eq(tenant_id),
        tenant_keys::name.eq(name),
        tenant_keys::value.eq(value),
        tenant_keys::created_at.eq(now),
    );
    // `ON CONFLICT DO NOTHING` needs the concrete backend.
    match conn {
        Db::Pg(c) => diesel::insert_into(tenant_keys::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        Db::Sqlite(c) => diesel::insert_into(tenant_keys::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}
