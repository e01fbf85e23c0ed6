package dev.consentgate.enforce;

import dev.consentgate.client.EncryptedFields;
import dev.consentgate.config.TopologySettings;

/**
 * A customer's data-key reference: the key of their data key and delivery summary, and the header of their encrypted
 * records. Under the state key, which never rotates, so a pseudonym-key rotation leaves no data key behind that a later
 * erasure would miss; and hashed apart from every other value, so a purpose that sees both the customer id and this
 * header cannot link the id to pseudonyms elsewhere.
 */
final class DataKeyReference {

    private DataKeyReference() {
    }

    static String of(TopologySettings settings, String customerId) {
        return settings.stateKey().hash().hex(EncryptedFields.DATA_KEY_REFERENCE_PREFIX + customerId);
    }
}
