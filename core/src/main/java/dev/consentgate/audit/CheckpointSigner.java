package dev.consentgate.audit;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Signs checkpoints with the service's Ed25519 private key. */
public final class CheckpointSigner {

    private final PrivateKey key;
    private final byte[] keyId;

    public CheckpointSigner(PrivateKey key, PublicKey publicKey) {
        if (!CheckpointKeys.arePair(key, publicKey)) {
            throw new IllegalArgumentException("the checkpoint signing key and public key are not a pair");
        }
        this.key = key;
        this.keyId = CheckpointKeys.keyId(publicKey);
    }

    /** The signer of a key pair given as its files' contents; an IllegalArgumentException names the file at fault. */
    public static CheckpointSigner fromEncoded(byte[] privateKey, String privateSource, byte[] publicKey, String publicSource) {
        return new CheckpointSigner(CheckpointKeys.parsePrivate(privateKey, privateSource), CheckpointKeys.parsePublic(publicKey, publicSource));
    }

    public Checkpoint sign(int partition, long sequence, byte[] headHash, long time) {
        byte[] signed = Checkpoint.signedBytes(partition, sequence, headHash, time, keyId);
        try {
            Signature signature = Signature.getInstance(CheckpointKeys.ALGORITHM);
            signature.initSign(key);
            signature.update(signed);
            return new Checkpoint(partition, sequence, headHash.clone(), time, keyId.clone(), signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint with Ed25519", e);
        }
    }
}
