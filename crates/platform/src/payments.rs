//! Payments, as use cases: a bank statement is read line by line, each matched to the payment
//! instruction its reference names by the market's rail rules ([`guild_market::bank::read_line`]:
//! a deposit credits the client, a payout's line settles it, a returned payout goes back to
//! where it came from), and written by the store with its transfer in one transaction.

use guild_market::bank::{StatementLine, read_line};
use guild_store::{Reconciliation, StoreError};

use crate::Platform;

impl Platform {
    /// Reads bank statement `lines`: what each line did, and the lines left for a person.
    pub fn reconcile(&self, lines: &[StatementLine]) -> Result<Reconciliation, StoreError> {
        self.store.ledger().reconcile(lines, &|line, instruction| {
            read_line(line, instruction).map_err(StoreError::Market)
        })
    }
}
