package dev.consentgate.client;

/** How ConsentGate marks what it encrypted in a purpose record; the service writes these, the client reads them. */
public final class EncryptedFields {

    /** Header of a purpose record with encrypted fields: the pseudonym of its customer, whose data key they are under. */
    public static final String SUBJECT_HEADER = "consent-data-key";
    /** Property of an output schema's field that ConsentGate transformed: the redaction action's name. */
    public static final String ACTION_PROPERTY = "consentgate_action";
    /** {@link #ACTION_PROPERTY}'s value on an encrypted field, an (optional) string holding the base64 ciphertext. */
    public static final String ENCRYPT = "encrypt";

    private EncryptedFields() {
    }
}
