//! The bank-transfer rail (being written).
