package dev.consentgate.audit;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Optional;

/** Checks a checkpoint's signature under the auditor's public key, and its head against the chain's hash at its sequence. */
public final class CheckpointVerifier {

    private final PublicKey key;
    private final byte[] keyId;

    public CheckpointVerifier(PublicKey key) {
        this.key = key;
        this.keyId = CheckpointKeys.keyId(key);
    }

    /** Why the checkpoint does not verify under this key, or empty when it does. */
    public Optional<String> signatureProblem(Checkpoint checkpoint) {
        if (!Arrays.equals(checkpoint.keyId(), keyId)) {
            return Optional.of("signed with key " + ChainHash.hex(checkpoint.keyId()) + ", not with key " + ChainHash.hex(keyId));
        }
        try {
            Signature signature = Signature.getInstance(CheckpointKeys.ALGORITHM);
            signature.initVerify(key);
            signature.update(checkpoint.signedBytes());
            return signature.verify(checkpoint.signature()) ? Optional.empty() : Optional.of("the signature does not verify");
        } catch (GeneralSecurityException e) {
            return Optional.of("the signature does not verify (" + e.getClass().getSimpleName() + ")");
        }
    }
}
