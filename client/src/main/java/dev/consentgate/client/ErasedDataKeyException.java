package dev.consentgate.client;

/**
 * A record's encrypted fields cannot be read because its customer's data key was destroyed: the customer asked for
 * erasure. Not a fault to retry: those fields are gone for good.
 */
public final class ErasedDataKeyException extends RuntimeException {

    public ErasedDataKeyException(String topic, String subject) {
        super("the encrypted fields of this record of " + topic + " cannot be read: the data key of subject " + subject
                + " was destroyed by an erasure request");
    }

    /**
     * The subject has a data key, but not the one the record was encrypted under: that one was destroyed by an erasure and
     * a new key made since (the customer consented again), or the field was changed after it was written.
     */
    ErasedDataKeyException(String topic, String subject, String field) {
        super("field " + field + " of this record of " + topic + " cannot be read: it was encrypted under a data key of subject "
                + subject + " that an erasure request destroyed (the subject's key now is a later one), or it was changed");
    }
}
