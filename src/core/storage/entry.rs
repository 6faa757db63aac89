//! The directory of diagrams as the editor sees it: entries, storage types, and what a new
//! diagram or an entry update looks like.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::StoreError;
use crate::core::clock::Millis;

/// Where a diagram lives (immersive2's storage types), as JavaScript sees it:
/// `'local' | 'public' | 'private'`.
///
/// - `local`: only in this browser; nothing in this crate ever sends it anywhere.
/// - `public`: has a copy on the server that anyone may open.
/// - `private`: has a copy on the server for authorized users.
///
/// A stored entry without a storage type (written before storage types existed) reads as
/// `public`, as in immersive2's migration notes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    /// Browser-only.
    Local,
    /// Synced with a public server copy (the default for entries written before storage
    /// types existed).
    #[default]
    Public,
    /// Synced with a private server copy.
    Private,
}

impl StorageType {
    /// The type for a stored text: `Some` for `local`, `public` and `private`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "local" => Some(Self::Local),
            "public" => Some(Self::Public),
            "private" => Some(Self::Private),
            _ => None,
        }
    }

    /// The stored text: `local`, `public` or `private`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

/// One diagram in the directory, as JavaScript sees it (camelCase, times in milliseconds
/// since the epoch, optional fields absent when unset):
///
/// ```json
/// { "id": "d1", "name": "Payments", "description": "", "storageType": "local",
///   "createdAt": 1700000000000, "updatedAt": 1700000000000, "version": 3 }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagramEntry {
    /// The diagram's id.
    pub id: String,
    /// Its name, never empty.
    pub name: String,
    /// A free description, possibly empty.
    pub description: String,
    /// Where it lives.
    pub storage_type: StorageType,
    /// When it was created.
    pub created_at: Millis,
    /// When its content, name or description last changed.
    pub updated_at: Millis,
    /// The committed version: 0 when created, one more with every commit.
    pub version: u64,
    /// The id of its public copy, once shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_copy_id: Option<String>,
    /// When local changes were last pushed to the public copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_pushed_at: Option<Millis>,
    /// When public changes were last pulled into this diagram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_pulled_at: Option<Millis>,
    /// The version of the public copy at the last push or pull.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_version: Option<u64>,
    /// The committed version whose changes the server copy holds since the last push:
    /// with `publicVersion`, what a tab that saves next starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_version: Option<u64>,
}

impl DiagramEntry {
    /// Whether the diagram changed since its last push to the server (or, never pushed,
    /// since it was created): then the server copy may lack those changes, and auto-save
    /// should save when the diagram is opened.
    pub fn has_unpushed_changes(&self) -> bool {
        self.updated_at > self.last_pushed_at.unwrap_or(self.created_at)
    }
}

/// What [`create`](super::DiagramStore::create) needs. The default is an unnamed `local`
/// diagram without cells.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDiagram {
    /// The id to use; `None` lets the store choose a fresh one.
    pub id: Option<String>,
    /// The name (trimmed; must not be empty).
    pub name: String,
    /// The description.
    pub description: String,
    /// Where it lives.
    pub storage_type: StorageType,
    /// The initial cells, in the order X6 should add them (validated like an imported
    /// document).
    pub cells: Vec<Value>,
}

impl Default for NewDiagram {
    fn default() -> Self {
        Self {
            id: None,
            name: String::new(),
            description: String::new(),
            storage_type: StorageType::Local,
            cells: Vec::new(),
        }
    }
}

impl NewDiagram {
    /// An empty local diagram with this name.
    pub fn local(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }
}

/// A change to an entry's metadata (never its content or version). `None` keeps a field;
/// for the optional sync-tracking fields `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryUpdate {
    /// A new name.
    pub name: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new storage type.
    pub storage_type: Option<StorageType>,
    /// The public copy's id.
    pub public_copy_id: Option<Option<String>>,
    /// When changes were last pushed.
    pub last_pushed_at: Option<Option<Millis>>,
    /// When changes were last pulled.
    pub last_pulled_at: Option<Option<Millis>>,
    /// The public copy's version at the last sync.
    pub public_version: Option<Option<u64>>,
    /// The committed version the server copy holds since the last push.
    pub pushed_version: Option<Option<u64>>,
}

impl EntryUpdate {
    /// Applies the update to `entry` at time `now`. The name, description and storage type
    /// count as a modification (`updatedAt` moves); sync-tracking fields do not.
    pub fn apply(self, entry: &mut DiagramEntry, now: Millis) -> Result<(), StoreError> {
        let mut modified = false;
        if let Some(name) = self.name {
            entry.name = checked_name(&name)?;
            modified = true;
        }
        if let Some(description) = self.description {
            entry.description = description;
            modified = true;
        }
        if let Some(storage_type) = self.storage_type {
            entry.storage_type = storage_type;
            modified = true;
        }
        if let Some(id) = self.public_copy_id {
            entry.public_copy_id = id;
        }
        if let Some(at) = self.last_pushed_at {
            entry.last_pushed_at = at;
        }
        if let Some(at) = self.last_pulled_at {
            entry.last_pulled_at = at;
        }
        if let Some(version) = self.public_version {
            entry.public_version = version;
        }
        if let Some(version) = self.pushed_version {
            entry.pushed_version = version;
        }
        if modified {
            entry.updated_at = now;
        }
        Ok(())
    }
}

/// A diagram name, trimmed; refused when empty.
pub fn checked_name(name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::InvalidName {
            reason: "a diagram name must not be empty".into(),
        });
    }
    Ok(name.to_owned())
}

/// The entry of a new diagram created at `now`.
pub fn new_entry(id: String, new: &NewDiagram, now: Millis) -> Result<DiagramEntry, StoreError> {
    Ok(DiagramEntry {
        id,
        name: checked_name(&new.name)?,
        description: new.description.clone(),
        storage_type: new.storage_type,
        created_at: now,
        updated_at: now,
        version: 0,
        public_copy_id: None,
        last_pushed_at: None,
        last_pulled_at: None,
        public_version: None,
        pushed_version: None,
    })
}

/// The entry of a duplicate of `source` named `name` (default: "<name> (copy)"): same
/// description and storage type, version 0, no sync tracking (the copy has never been
/// shared).
pub fn duplicate_entry(
    source: &DiagramEntry,
    id: String,
    name: Option<&str>,
    now: Millis,
) -> Result<DiagramEntry, StoreError> {
    let name = match name {
        Some(name) => checked_name(name)?,
        None => format!("{} (copy)", source.name),
    };
    Ok(DiagramEntry {
        id,
        name,
        description: source.description.clone(),
        storage_type: source.storage_type,
        created_at: now,
        updated_at: now,
        version: 0,
        public_copy_id: None,
        last_pushed_at: None,
        last_pulled_at: None,
        public_version: None,
        pushed_version: None,
    })
}

/// Checks an id chosen by the caller.
pub fn checked_id(id: &str) -> Result<(), StoreError> {
    if id.is_empty() {
        return Err(StoreError::InvalidArgument {
            reason: "a diagram id must not be empty".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serializes_camel_case_without_unset_sync_fields() {
        let entry = new_entry("d1".into(), &NewDiagram::local(" Payments "), 5.0).unwrap();
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            json!({ "id": "d1", "name": "Payments", "description": "", "storageType": "local",
                    "createdAt": 5.0, "updatedAt": 5.0, "version": 0 })
        );
    }

    #[test]
    fn sync_tracking_updates_do_not_count_as_modifications() {
        let mut entry = new_entry("d1".into(), &NewDiagram::local("A"), 5.0).unwrap();
        let sync = EntryUpdate {
            public_copy_id: Some(Some("p1".into())),
            public_version: Some(Some(4)),
            ..EntryUpdate::default()
        };
        sync.apply(&mut entry, 9.0).unwrap();
        assert_eq!(entry.updated_at, 5.0);
        assert_eq!(entry.public_copy_id.as_deref(), Some("p1"));
        let rename = EntryUpdate {
            name: Some("B".into()),
            public_copy_id: Some(None),
            ..EntryUpdate::default()
        };
        rename.apply(&mut entry, 9.0).unwrap();
        assert_eq!((entry.name.as_str(), entry.updated_at), ("B", 9.0));
        assert_eq!(entry.public_copy_id, None);
    }

    #[test]
    fn changes_after_the_last_push_are_unpushed() {
        let mut entry = new_entry("d1".into(), &NewDiagram::local("A"), 5.0).unwrap();
        assert!(!entry.has_unpushed_changes(), "created, never changed");
        entry.updated_at = 7.0;
        assert!(entry.has_unpushed_changes(), "changed, never pushed");
        entry.last_pushed_at = Some(8.0);
        assert!(!entry.has_unpushed_changes());
        entry.updated_at = 9.0;
        assert!(entry.has_unpushed_changes());
    }

    #[test]
    fn empty_names_are_refused() {
        assert!(matches!(
            checked_name("   "),
            Err(StoreError::InvalidName { .. })
        ));
    }
}
