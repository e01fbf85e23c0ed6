package dev.consentgate.cli;

import dev.consentgate.config.ConsentGateConfig;
import dev.consentgate.config.KeyUse;
import dev.consentgate.policy.KeyRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;

/** Reads the previous-keys file of a key use, the one file the key settings name: the configuration itself reads no files. */
final class KeyRingFiles {

    private KeyRingFiles() {
    }

    /** @throws ConfigException naming the setting when the file cannot be read or holds a bad line */
    static KeyRing read(ConsentGateConfig config, KeyUse use) {
        String text = config.previousKeysFile(use).map(file -> {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(use.previousKeysFileConfig() + ": cannot read " + file + ": " + e.getClass().getSimpleName());
            }
        }).orElse("");
        return config.keyRing(use, text);
    }
}
