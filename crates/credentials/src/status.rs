//! Revocation through a W3C Bitstring Status List: the list credential an issuer publishes,
//! the entry each credential carries, and reading a credential's bit.
//!
//! The list is a bitstring of at least 131,072 bits (16 KiB, so that one credential's position
//! says little about who holds it), GZIP-compressed and written as multibase base64url (`u…`).
//! Bit 0 is the most significant bit of the first byte; a set bit means revoked.

use std::io::{Read as _, Write as _};

use serde_json::{Value, json};

use crate::CredentialError;

/// The smallest list the specification allows, in bits.
pub const MIN_BITS: usize = 131_072;
/// The largest list read, in bits (a bound on decompression).
pub const MAX_BITS: usize = 1 << 26;

/// Encodes a bitstring of `len` bits (at least [`MIN_BITS`]) with `set` positions on.
pub fn encode_list(set: &[u64], len: usize) -> Result<String, CredentialError> {
    let len = len.max(MIN_BITS).div_ceil(8) * 8;
    let mut bytes = vec![0u8; len / 8];
    for &i in set {
        let i = usize::try_from(i).unwrap_or(usize::MAX);
        if i >= len {
            return Err(CredentialError::Invalid(format!(
                "status index {i} is outside a list of {len} bits"
            )));
        }
        bytes[i / 8] |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)
        .and_then(|()| gz.finish())
        .map(|z| multibase::encode(multibase::Base::Base64Url, z))
        .map_err(|e| CredentialError::Invalid(format!("cannot compress the status list: {e}")))
}

/// Decodes an `encodedList` into its bytes (bounded: a list may not expand past [`MAX_BITS`]).
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, CredentialError> {
    if !encoded.starts_with('u') {
        return Err(CredentialError::Invalid(
            "encodedList must be multibase base64url (starting with 'u')".to_owned(),
        ));
    }
    let (_, z) = multibase::decode(encoded)
        .map_err(|e| CredentialError::Invalid(format!("encodedList is not multibase: {e}")))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(z.as_slice())
        .take((MAX_BITS / 8 + 1) as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| CredentialError::Invalid(format!("encodedList is not GZIP data: {e}")))?;
    if bytes.len() > MAX_BITS / 8 {
        return Err(CredentialError::Invalid(format!(
            "the status list expands past {MAX_BITS} bits"
        )));
    }
    Ok(bytes)
}

/// Whether bit `index` is set in a decoded list.
pub fn bit(list: &[u8], index: u64) -> Result<bool, CredentialError> {
    let i = usize::try_from(index).unwrap_or(usize::MAX);
    list.get(i / 8)
        .map(|b| b & (0x80 >> (i % 8)) != 0)
        .ok_or_else(|| {
            CredentialError::Invalid(format!(
                "status index {index} is outside the list ({} bits)",
                list.len() * 8
            ))
        })
}

/// The `credentialStatus` entry of a credential at `index` of the list at `list_url`.
pub fn status_entry(list_url: &str, index: u64) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The unsigned `BitstringStatusListCredential` at `list_url`, issued by `issuer`, with the
/// `revoked` positions set, valid from `valid_from` until `valid_until` (a short validity, so
/// that verifiers fetch it again).
pub fn status_list_credential(
    list_url: &str,
    issuer: &str,
    revoked: &[u64],
    len: usize,
    valid_from: &str,
    valid_until: &str,
) -> Result<Value, CredentialError> {
    Ok(json!({
        "@context": [crate::badge::VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "validUntil": valid_until,
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked, len)?,
        },
    }))
}

/// Whether `credential` is revoked according to `list` (a status list credential whose proof
/// the caller has verified): `Ok(None)` when the credential has no revocation entry for it.
pub fn revoked(credential: &Value, list: &Value) -> Result<Option<bool>, CredentialError> {
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        None => return Ok(None),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    let list_id = list.get("id").and_then(Value::as_str);
    for e in entries {
        if e.get("type").and_then(Value::as_str) != Some("BitstringStatusListEntry")
            || e.get("statusPurpose").and_then(Value::as_str) != Some("revocation")
            || e.get("statusListCredential").and_then(Value::as_str) != list_id
        {
            continue;
        }
        let index: u64 = e
            .get("statusListIndex")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                CredentialError::Invalid(
                    "statusListIndex must be a number written as a string".to_owned(),
                )
            })?;
        let subject = &list["credentialSubject"];
        if subject.get("statusPurpose").and_then(Value::as_str) != Some("revocation") {
            return Err(CredentialError::Invalid(
                "the status list is not a revocation list".to_owned(),
            ));
        }
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                CredentialError::Invalid("the status list has no encodedList".to_owned())
            })?;
        return bit(&decode_list(encoded)?, index).map(Some);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_most_significant_first() {
        let encoded = encode_list(&[0, 7, 9, 131_071], MIN_BITS).unwrap();
        assert!(encoded.starts_with('u'));
        // 16 KiB of mostly zeros compresses to a few dozen bytes.
        assert!(encoded.len() < 200, "{}", encoded.len());
        let list = decode_list(&encoded).unwrap();
        assert_eq!(list.len(), MIN_BITS / 8);
        assert_eq!(list[0], 0b1000_0001);
        assert_eq!(list[1], 0b0100_0000);
        for (i, expect) in [
            (0, true),
            (1, false),
            (7, true),
            (8, false),
            (9, true),
            (131_071, true),
            (131_070, false),
        ] {
            assert_eq!(bit(&list, i).unwrap(), expect, "bit {i}");
        }
        assert!(bit(&list, 131_072).is_err());
        assert!(encode_list(&[MIN_BITS as u64], MIN_BITS).is_err());
    }

    #[test]
    fn a_credential_is_revoked_when_its_bit_is_set() {
        let url = "https://guild.example/api/v1/credentials/status/1";
        let list = status_list_credential(
            url,
            "did:web:guild.example",
            &[42],
            MIN_BITS,
            "2026-11-23T00:00:00Z",
            "2026-11-24T00:00:00Z",
        )
        .unwrap();
        let mut credential = json!({"credentialStatus": status_entry(url, 42)});
        assert_eq!(revoked(&credential, &list).unwrap(), Some(true));
        credential["credentialStatus"] = status_entry(url, 43);
        assert_eq!(revoked(&credential, &list).unwrap(), Some(false));
        credential["credentialStatus"] = status_entry("https://elsewhere.example/list", 42);
        assert_eq!(revoked(&credential, &list).unwrap(), None);
        assert_eq!(revoked(&json!({}), &list).unwrap(), None);
    }

    #[test]
    fn hostile_lists_are_refused() {
        assert!(decode_list("zabc").is_err());
        assert!(decode_list("u!!!").is_err());
        // A GZIP bomb: 64 MiB of zeros compresses to about 64 KiB; it must stop at the bound.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            gz.write_all(&zeros).unwrap();
        }
        let bomb = multibase::encode(multibase::Base::Base64Url, gz.finish().unwrap());
        let err = decode_list(&bomb).unwrap_err().to_string();
        assert!(err.contains("expands past"), "{err}");
    }
}
