//! Optimal batch assignment.
