//! What the public landing page shows about the instance.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicInfo {
    pub name: String,
    pub description: String,
    pub registrations_open: bool,
    pub invites_enabled: bool,
    pub approval_required: bool,
}
