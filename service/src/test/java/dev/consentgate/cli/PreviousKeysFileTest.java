package dev.consentgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.config.KeyUse;
import dev.consentgate.policy.HmacKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The previous-keys file is read at start, so a missing or broken one stops the start, not the lookup that needs it. */
class PreviousKeysFileTest {

    private static final String CURRENT_KEY = "current-pseudonym-key-0123456789-ABCDEFGH";
    private static final String OLD_KEY = "old-pseudonym-key-0123456789-IJKLMNOPQRST";

    @TempDir
    Path dir;

    private Path config(Path previousKeys) throws Exception {
        return Files.writeString(dir.resolve("app.properties"), "consentgate.hmac.key=" + CURRENT_KEY + "\nconsentgate.hmac.key.id=p-2026\n"
                + "consentgate.keys.pseudonym.previous.file=" + previousKeys + "\n");
    }

    @Test
    void thePreviousKeysJoinTheCurrentOneInTheRing() throws Exception {
        Path previous = Files.writeString(dir.resolve("previous"), "# rotated\np-2025=" + OLD_KEY + "\n");

        Setup setup = Setup.withoutPolicy(config(previous), Map.of());

        assertThat(setup.keyRing(KeyUse.PSEUDONYM).all()).extracting(HmacKey::id).containsExactly("p-2026", "p-2025");
        assertThat(setup.keyRing(KeyUse.FIELD_HASH).all()).extracting(HmacKey::id).containsExactly("p-2026");
    }

    @Test
    void aMissingFileStopsTheStartNamingTheSetting() throws Exception {
        Path config = config(dir.resolve("absent"));

        assertThatThrownBy(() -> Setup.withoutPolicy(config, Map.of()))
                .isInstanceOf(CommandFailure.class)
                .hasMessage(config + ": consentgate.keys.pseudonym.previous.file: cannot read " + dir.resolve("absent") + ": NoSuchFileException");
    }

    @Test
    void aWeakPreviousKeyStopsTheStartWithoutShowingIt() throws Exception {
        Path previous = Files.writeString(dir.resolve("previous"), "p-2025=" + OLD_KEY + "\np-2024=" + OLD_KEY.substring(0, 20) + "\n");
        Path config = config(previous);

        assertThatThrownBy(() -> Setup.withoutPolicy(config, Map.of()))
                .hasMessage(config + ": consentgate.keys.pseudonym.previous.file line 2 (key id p-2024) is shorter than 32 bytes; make a key "
                        + "with: openssl rand -base64 48")
                .hasMessageNotContaining(OLD_KEY.substring(0, 20));
    }
}
