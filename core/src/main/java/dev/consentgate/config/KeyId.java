package dev.consentgate.config;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The validator of key ids. An id goes into record headers and, once its key is rotated out, into a previous-keys
 * file as {@code id=key}: so it is printable ASCII with no space and no {@code =}.
 */
final class KeyId implements ConfigDef.Validator {

    private static final Pattern VALID = Pattern.compile("[!-<>-~]+");

    static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value instanceof String id && !isValid(id)) {
            throw new ConfigException(name, value, "a key id is printable ASCII, without spaces or '='");
        }
    }

    @Override
    public String toString() {
        return "printable ASCII, no spaces, no `=`";
    }
}
