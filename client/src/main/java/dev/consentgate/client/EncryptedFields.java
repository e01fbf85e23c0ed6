package dev.consentgate.client;

/** How ConsentGate marks what it encrypted in a purpose record; the service writes these, the client reads them. */
public final class EncryptedFields {

    /**
     * Header of a purpose record with encrypted fields: its customer's data-key reference, the key of their data key in the
     * key topic. A keyed hash of the customer id of its own ({@link #DATA_KEY_REFERENCE_PREFIX}), so that a purpose that sees
     * the customer id in the clear learns nothing of the pseudonyms in other purposes' keys or in the audit records.
     */
    public static final String SUBJECT_HEADER = "consent-data-key";
    /** What the customer id is prefixed with before it is hashed into a data-key reference. */
    public static final String DATA_KEY_REFERENCE_PREFIX = "consentgate-data-key:";
    /** Property of an output schema's field that ConsentGate transformed: the redaction action's name. */
    public static final String ACTION_PROPERTY = "consentgate_action";
    /** {@link #ACTION_PROPERTY}'s value on an encrypted field, an (optional) string holding the base64 ciphertext. */
    public static final String ENCRYPT = "encrypt";

    private EncryptedFields() {
    }
}
