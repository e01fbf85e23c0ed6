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
}
