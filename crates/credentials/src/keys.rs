//! Ed25519 keys as Multikey multibase strings and as `did:key` identifiers.
//!
//! A public key is written `z` + base58btc(0xed 0x01 ‖ 32 key bytes) (`z6Mk…`); a secret key
//! `z` + base58btc(0x80 0x26 ‖ 32 seed bytes) (`z3u2…`). A `did:key` DID is `did:key:` + the public
//! multibase, and its one verification method is `did:key:…#` + the same multibase.

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{Value, json};

use crate::CredentialError;

/// Multicodec prefix of an Ed25519 public key.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (seed).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

fn decode_multibase(what: &str, s: &str, prefix: [u8; 2]) -> Result<[u8; 32], CredentialError> {
    if !s.starts_with('z') {
        return Err(CredentialError::Invalid(format!(
            "{what} {s:?} is not base58btc multibase (it must start with 'z')"
        )));
    }
    let (_, bytes) = multibase::decode(s)
        .map_err(|e| CredentialError::Invalid(format!("{what} {s:?} is not multibase: {e}")))?;
    if bytes.len() < 2 || bytes[..2] != prefix {
        return Err(CredentialError::WrongKeyType(format!(
            "{what} {s:?} is not an Ed25519 key (multicodec prefix {:02x?})",
            &bytes[..bytes.len().min(2)]
        )));
    }
    bytes[2..].try_into().map_err(|_| {
        CredentialError::Invalid(format!(
            "{what} {s:?} has {} key bytes, not 32",
            bytes.len() - 2
        ))
    })
}

/// Reads an Ed25519 public key from Multikey multibase (`z6Mk…`).
pub fn public_key_from_multibase(s: &str) -> Result<VerifyingKey, CredentialError> {
    let bytes = decode_multibase("public key", s, ED25519_PUB)?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| {
        CredentialError::Invalid(format!(
            "public key {s:?} is not a valid Ed25519 point: {e}"
        ))
    })
}

/// Writes an Ed25519 public key as Multikey multibase.
pub fn public_key_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    multibase::encode(multibase::Base::Base58Btc, bytes)
}

/// Reads an Ed25519 secret key from multibase (`z3u2…`).
pub fn secret_key_from_multibase(s: &str) -> Result<SigningKey, CredentialError> {
    let seed = decode_multibase("secret key", s, ED25519_PRIV)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes an Ed25519 secret key (its seed) as multibase.
pub fn secret_key_multibase(key: &SigningKey) -> String {
    let mut bytes = ED25519_PRIV.to_vec();
    bytes.extend_from_slice(&key.to_bytes());
    multibase::encode(multibase::Base::Base58Btc, bytes)
}

/// The `did:key` DID of a public key.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", public_key_multibase(key))
}

/// The verification method id of a `did:key` (the DID, `#`, the key's multibase).
pub fn did_key_verification_method(key: &VerifyingKey) -> String {
    let mb = public_key_multibase(key);
    format!("did:key:{mb}#{mb}")
}

/// The public key a `did:key` DID or verification method names. Only Ed25519 keys are
/// supported; a fragment must name the DID's own key.
pub fn resolve_did_key(id: &str) -> Result<VerifyingKey, CredentialError> {
    let rest = id
        .strip_prefix("did:key:")
        .ok_or_else(|| CredentialError::Invalid(format!("{id:?} is not a did:key identifier")))?;
    let (mb, fragment) = match rest.split_once('#') {
        Some((mb, f)) => (mb, Some(f)),
        None => (rest, None),
    };
    if let Some(f) = fragment
        && f != mb
    {
        return Err(CredentialError::Invalid(format!(
            "verification method {id:?}: a did:key's only key is #{mb}, not #{f}"
        )));
    }
    public_key_from_multibase(mb)
}

/// The DID document of a `did:key` (Multikey form, as the did:key method specifies it).
pub fn did_key_document(key: &VerifyingKey) -> Value {
    let did = did_key(key);
    let vm = did_key_verification_method(key);
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": vm,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_key_multibase(key),
        }],
        "authentication": [vm],
        "assertionMethod": [vm],
        "capabilityDelegation": [vm],
        "capabilityInvocation": [vm],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(path: &str) -> Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/vectors")
            .join(path);
        serde_json::from_str(
            &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        )
        .unwrap()
    }

    #[test]
    fn the_vector_key_pair_round_trips() {
        let pair = vectors("vc-di-eddsa/TestVectors/keyPair.json");
        let (public, secret) = (
            pair["publicKeyMultibase"].as_str().unwrap(),
            pair["privateKeyMultibase"].as_str().unwrap(),
        );
        let sk = secret_key_from_multibase(secret).unwrap();
        assert_eq!(public_key_multibase(&sk.verifying_key()), public);
        assert_eq!(secret_key_multibase(&sk), secret);
        assert_eq!(
            public_key_from_multibase(public).unwrap(),
            sk.verifying_key()
        );
    }

    #[test]
    fn did_key_vectors_for_ed25519() {
        let all = vectors("did-method-key/test-vectors/ed25519-x25519.json");
        let mut n = 0;
        for (did, v) in all.as_object().unwrap() {
            let seed = v["seed"].as_str().unwrap();
            let bytes: [u8; 32] = (0..32)
                .map(|i| u8::from_str_radix(&seed[2 * i..2 * i + 2], 16).unwrap())
                .collect::<Vec<_>>()
                .try_into()
                .unwrap();
            let sk = SigningKey::from_bytes(&bytes);
            assert_eq!(&did_key(&sk.verifying_key()), did);
            let resolved = resolve_did_key(did).unwrap();
            assert_eq!(resolved, sk.verifying_key());
            // The vector's verification key in base58 (Ed25519VerificationKey2018) and its
            // DID document's verification method, where the vector has them.
            if let Some(b58) = v["verificationKeyPair"]["publicKeyBase58"].as_str() {
                let (_, raw) = multibase::decode(format!("z{b58}")).unwrap();
                assert_eq!(raw, sk.verifying_key().as_bytes());
            }
            if let Some(vm) = v["didDocument"]["verificationMethod"][0]["id"].as_str() {
                assert_eq!(resolve_did_key(vm).unwrap(), sk.verifying_key());
            }
            n += 1;
        }
        assert!(n >= 3, "{n} vectors");
    }

    #[test]
    fn other_key_types_and_bad_input_are_refused() {
        let all = vectors("did-method-key/test-vectors/secp256k1.json");
        let did = all.as_object().unwrap().keys().next().unwrap();
        assert!(
            matches!(resolve_did_key(did), Err(CredentialError::WrongKeyType(_))),
            "{did}"
        );
        for bad in [
            "did:web:example.org",
            "did:key:",
            "did:key:abc",
            "did:key:z6Mk",
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#other",
        ] {
            assert!(resolve_did_key(bad).is_err(), "{bad}");
        }
    }
}
