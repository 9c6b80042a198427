//! The rows behind issuing: the organisations that issue in their own name and their members,
//! and the status-list positions revoked. Who issues, how a credential is built and signed,
//! and the status lists and DID documents published are the credentials engine's
//! (`guild_credentials::issuer`, `issuing`) and the platform's (`guild_platform::credentials`);
//! the issuer keys and the issued credentials are in `credentials.rs`.

use crate::areas::{Accounts, Credentials};
use guild_ids::{AccountId, OrganisationId};
use std::ops::Range;

use guild_credentials::issuer::{Organisation, check_organisation, check_role};

use crate::StoreError;
use crate::sql::Record;

fn bad(e: guild_credentials::CredentialError) -> StoreError {
    StoreError::Credential(e)
}

fn organisation_from_row(r: &Record) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: r.id("id")?,
        slug: r.text("slug")?.to_owned(),
        name: r.text("name")?.to_owned(),
        url: r.opt_text("url")?,
        created_at: r.text("created_at")?.to_owned(),
    })
}

const ORG_COLUMNS: &str = "id, slug, name, url, created_at";

impl Accounts<'_> {
    /// Makes an organisation with `creator` as its admin.
    pub fn create_organisation(
        &self,
        slug: &str,
        name: &str,
        url: Option<&str>,
        creator: AccountId,
    ) -> Result<Organisation, StoreError> {
        let name = check_organisation(slug, name, url).map_err(bad)?;
        self.store.write(|tx| {
            let at = tx.now().to_string();
            let taken = tx.query("SELECT 1 FROM organisations WHERE slug = $1", &[slug.into()])?;
            if !taken.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "organisation {slug} already exists"
                )));
            }
            let org = tx
                .query(
                    &format!(
                        "INSERT INTO organisations (slug, name, url, created_at) VALUES ($1, $2, $3, $4) RETURNING {ORG_COLUMNS}"
                    ),
                    &[slug.into(), name.into(), url.into(), at.clone().into()],
                )?
                .first()
                .map(organisation_from_row)
                .ok_or_else(|| StoreError::Backend("no row from INSERT … RETURNING".to_owned()))??;
            tx.execute(
                "INSERT INTO organisation_members (organisation_id, account_id, role, added_at) VALUES ($1, $2, 'admin', $3)",
                &[org.id.into(), creator.into(), at.into()],
            )?;
            Ok(org)
        })
    }

    /// The organisation `slug`.
    pub fn organisation(&self, slug: &str) -> Result<Organisation, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE slug = $1"),
                &[slug.into()],
            )?
            .first()
            .map(organisation_from_row)
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                id: slug.to_owned(),
            })?
        })
    }

    /// The organisation numbered `id`.
    pub fn organisation_by_id(&self, id: OrganisationId) -> Result<Organisation, StoreError> {
        self.store.read(|tx| {
            tx.query(
                &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"),
                &[id.into()],
            )?
            .first()
            .map(organisation_from_row)
            .ok_or_else(|| StoreError::NotFound {
                what: "organisation",
                id: id.to_string(),
            })?
        })
    }

    /// The organisations `account` belongs to, with its role in each.
    pub fn organisations_of(
        &self,
        account: AccountId,
    ) -> Result<Vec<(Organisation, String)>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT o.id, o.slug, o.name, o.url, o.created_at, m.role FROM organisations o \
                 JOIN organisation_members m ON m.organisation_id = o.id WHERE m.account_id = $1 ORDER BY o.slug",
                &[account.into()],
            )?
            .iter()
            .map(|r| Ok((organisation_from_row(r)?, r.text("role")?.to_owned())))
            .collect()
        })
    }

    /// The members of `organisation`: account, display name, e-mail and role, admins first.
    pub fn members(
        &self,
        organisation: OrganisationId,
    ) -> Result<Vec<(AccountId, String, String, String)>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT a.id, a.display_name, a.email, m.role FROM organisation_members m \
                 JOIN accounts a ON a.id = m.account_id WHERE m.organisation_id = $1 \
                 ORDER BY m.role, a.display_name, a.id",
                &[organisation.into()],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.id("id")?,
                    r.text("display_name")?.to_owned(),
                    r.text("email")?.to_owned(),
                    r.text("role")?.to_owned(),
                ))
            })
            .collect()
        })
    }

    /// The role of `account` in `organisation`, if it is a member.
    pub fn member_role(
        &self,
        organisation: OrganisationId,
        account: AccountId,
    ) -> Result<Option<String>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT role FROM organisation_members WHERE organisation_id = $1 AND account_id = $2",
                &[organisation.into(), account.into()],
            )?
            .first()
            .map(|r| r.text("role").map(str::to_owned))
            .transpose()
        })
    }

    /// Adds (or changes the role of) the account with e-mail `email` in `organisation`.
    pub fn set_member(
        &self,
        organisation: OrganisationId,
        email: &str,
        role: &str,
    ) -> Result<AccountId, StoreError> {
        check_role(role).map_err(bad)?;
        self.store.write(|tx| {
            let account: AccountId = tx
                .query(
                    "SELECT id FROM accounts WHERE email = $1",
                    &[email.trim().to_lowercase().into()],
                )?
                .first()
                .map(|r| r.id("id"))
                .transpose()?
                .ok_or_else(|| StoreError::NotFound {
                    what: "account",
                    id: email.to_owned(),
                })?;
            if role != "admin" {
                let admins = tx.query(
                    "SELECT account_id FROM organisation_members WHERE organisation_id = $1 AND role = 'admin'",
                    &[organisation.into()],
                )?;
                if admins.len() == 1 && admins[0].id::<AccountId>("account_id")? == account {
                    return Err(StoreError::Conflict(
                        "this is the organisation's last admin: make another member admin first".to_owned(),
                    ));
                }
            }
            let at = tx.now().to_string();
            let changed = tx.execute(
                "UPDATE organisation_members SET role = $1 WHERE organisation_id = $2 AND account_id = $3",
                &[role.into(), organisation.into(), account.into()],
            )?;
            crate::audit::audit(tx, None, "organisation.member", &format!("organisation:{organisation}"), &format!("account {account} is {role}"))?;
            if changed == 0 {
                tx.execute(
                    "INSERT INTO organisation_members (organisation_id, account_id, role, added_at) VALUES ($1, $2, $3, $4)",
                    &[organisation.into(), account.into(), role.into(), at.into()],
                )?;
            }
            Ok(account)
        })
    }
}

impl Credentials<'_> {
    /// The status positions of `issuer`'s revoked credentials within `positions` (one status
    /// list's), in order.
    pub fn revoked_positions(
        &self,
        issuer: &str,
        positions: Range<i64>,
    ) -> Result<Vec<i64>, StoreError> {
        self.store.read(|tx| {
            tx.query(
                "SELECT status_index FROM issued_credentials WHERE issuer = $1 AND revoked_at IS NOT NULL \
                 AND status_index >= $2 AND status_index < $3 ORDER BY status_index",
                &[issuer.into(), positions.start.into(), positions.end.into()],
            )?
            .iter()
            .map(|r| r.int("status_index"))
            .collect()
        })
    }
}
