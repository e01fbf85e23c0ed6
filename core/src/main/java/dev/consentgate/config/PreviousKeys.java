package dev.consentgate.config;

import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.KeyStrength;
import dev.consentgate.policy.KeyedHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the text of a previous-keys file: one {@code id=key} per line, split at the first {@code =}, blank lines and
 * lines starting with {@code #} ignored. Every key must be as strong as a current one. Messages name the setting, the
 * line and the key id, never a key or a line's text.
 */
final class PreviousKeys {

    private PreviousKeys() {
    }

    /** @param setting the setting that names the file, for the messages */
    static List<HmacKey> parse(String setting, String text) {
        List<HmacKey> keys = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = setting + " line " + (i + 1);
            int equals = line.indexOf('=');
            String id = equals < 0 ? "" : line.substring(0, equals).strip();
            if (!KeyId.isValid(id)) {
                throw new ConfigException(where + " is not id=key with an id of printable ASCII without spaces or '='");
            }
            byte[] key = line.substring(equals + 1).strip().getBytes(StandardCharsets.UTF_8);
            String keyWhere = where + " (key id " + id + ")";
            KeyStrength.weakness(key).ifPresent(weakness -> {
                throw StrongKey.refused(keyWhere, weakness);
            });
            keys.add(new HmacKey(id, new KeyedHash(key)));
        }
        return keys;
    }
}
