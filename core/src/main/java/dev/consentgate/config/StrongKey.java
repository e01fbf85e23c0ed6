package dev.consentgate.config;

import dev.consentgate.policy.KeyStrength;
import dev.consentgate.policy.KeyedHash;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The validator of every HMAC key setting: refuses a weak key, with a message that names the setting and never shows the key. */
final class StrongKey implements ConfigDef.Validator {

    static final String HOW_TO_MAKE_ONE = "make a key with: openssl rand -base64 48";

    @Override
    public void ensureValid(String name, Object value) {
        if (value instanceof Password key) {
            KeyStrength.weakness(key.value().getBytes(StandardCharsets.UTF_8)).ifPresent(weakness -> {
                throw refused(name, weakness);
            });
        }
    }

    /** The message of a refused key; {@code where} names the setting (and line) it came from. */
    static ConfigException refused(String where, String weakness) {
        // The one-argument constructor: the others print the value.
        return new ConfigException(where + " " + weakness + "; " + HOW_TO_MAKE_ONE);
    }

    @Override
    public String toString() {
        return "at least " + KeyedHash.MIN_KEY_BYTES + " bytes (UTF-8), not one short pattern repeated, at least "
                + KeyStrength.MIN_DISTINCT_BYTES + " different characters";
    }
}
