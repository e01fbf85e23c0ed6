package dev.consentgate.config;

/**
 * What an HMAC key is used for. Each use has its own key, so a key can be rotated, or handed to a reader, for one use
 * only: an auditor who needs the customer's pseudonym does not get what verifies hashed fields. Every use has the
 * same three settings under {@code consentgate.keys.<use>}: the key, its id and a file of the keys it replaced.
 */
public enum KeyUse {

    /** The customer's pseudonym: the audit record's {@code customerIdHmac} and the key of purpose records that may not see the customer id. */
    PSEUDONYM("pseudonym", "the customer's pseudonym: the customer id of audit records (`customerIdHmac`) and the key of purpose "
            + "records that may not see the customer id ([policy-reference.md](policy-reference.md#keys-and-headers)). `explain "
            + "--customer-id` finds a customer's records under it and its previous keys"),
    /** The {@code hash} redaction action, on the fields of redacted records. */
    FIELD_HASH("field.hash", "the `hash` redaction action on the fields of redacted records "
            + "([policy-reference.md](policy-reference.md#redaction))");

    private static final String PREFIX = "consentgate.keys.";

    private final String name;
    private final String usedFor;

    KeyUse(String name, String usedFor) {
        this.name = name;
        this.usedFor = usedFor;
    }

    /** The setting that holds the current key, e.g. {@code consentgate.keys.pseudonym}. */
    public String keyConfig() {
        return PREFIX + name;
    }

    /** The setting that names the current key. */
    public String idConfig() {
        return keyConfig() + ".id";
    }

    /** The setting that names the file of the keys the current one replaced. */
    public String previousKeysFileConfig() {
        return keyConfig() + ".previous.file";
    }

    /** What the key is used for, in the words of docs/configuration.md. */
    String usedFor() {
        return usedFor;
    }
}
