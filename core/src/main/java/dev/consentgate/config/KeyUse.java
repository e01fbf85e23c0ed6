package dev.consentgate.config;

/**
 * What an HMAC key is used for. Each use has its own key, so a key can be rotated, or handed to a reader, for one use
 * only: an auditor who needs the customer's pseudonym does not get what verifies hashed fields. A use that
 * {@linkplain #rotates() rotates} has three settings under {@code consentgate.keys.<use>}: the key, its id and a file of
 * the keys it replaced; one that does not has the key alone.
 */
public enum KeyUse {

    /** The customer's pseudonym: the audit record's {@code customerIdHmac} and the key of purpose records that may not see the customer id. */
    PSEUDONYM("pseudonym", true, "the customer's pseudonym: the customer id of audit records (`customerIdHmac`) and the key of "
            + "purpose records that may not see the customer id ([policy-reference.md](policy-reference.md#keys-and-headers)). "
            + "`explain --customer-id` finds a customer's records under it and its previous keys"),
    /** The {@code hash} redaction action, on the fields of redacted records. */
    FIELD_HASH("field.hash", true, "the `hash` redaction action on the fields of redacted records "
            + "([policy-reference.md](policy-reference.md#redaction))"),
    /**
     * The keys of the application's state: the consent store, its changelog and the repartition topics. It does not
     * rotate: the state is found by its hashes, so a new key would lose every customer's history; a change needs a reset.
     */
    STATE("state", false, "the keys of the application's state, so that no store, changelog or repartition topic holds a "
            + "customer id as a key: the `consent-histories` store and the `events-misplaced` and `events-by-customer` repartition "
            + "topics. Never written to any other topic. Changing it loses every customer's consent history: a task that finds its state kept under "
            + "another key refuses to start until the state is reset ([operations.md](operations.md#the-state-key))");

    private static final String PREFIX = "consentgate.keys.";

    private final String name;
    private final boolean rotates;
    private final String usedFor;

    KeyUse(String name, boolean rotates, String usedFor) {
        this.name = name;
        this.rotates = rotates;
        this.usedFor = usedFor;
    }

    /** Whether the key can be replaced while its old hashes stay readable: then it has an id and a previous-keys file. */
    public boolean rotates() {
        return rotates;
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
