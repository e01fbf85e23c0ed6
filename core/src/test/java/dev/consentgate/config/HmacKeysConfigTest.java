package dev.consentgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.policy.HmacKey;
import dev.consentgate.policy.KeyRing;
import dev.consentgate.policy.KeyedHash;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HMAC key settings: one key per use, defaulting to consentgate.hmac.key, strong keys only, previous keys for rotation. */
class HmacKeysConfigTest {

    private static final String DEFAULT_KEY = "default-key-0123456789-ABCDEFGHIJKLMNOP";
    private static final String PSEUDONYM_KEY = "pseudonym-key-0123456789-ABCDEFGHIJKLMN";
    private static final String FIELD_KEY = "field-hash-key-0123456789-abcdefghijklmn";
    private static final String STATE_KEY = "state-key-0123456789-abcdefghijklmnopqrstu";
    private static final String HOW = "; make a key with: openssl rand -base64 48";

    private static ConsentGateConfig config(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new ConsentGateConfig(properties);
    }

    private static String hash(String key, String value) {
        return new KeyedHash(key.getBytes(StandardCharsets.UTF_8)).hex(value);
    }

    @Test
    void everyUseDefaultsToTheHmacKeyAndItsId() {
        ConsentGateConfig config = config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, ConsentGateConfig.HMAC_KEY_ID, "vault:crm-hmac/3");

        for (KeyUse use : KeyUse.values()) {
            HmacKey key = config.currentKey(use);
            assertThat(key.id()).as(use.name()).isEqualTo("vault:crm-hmac/3");
            assertThat(key.hash().hex("cust-1")).as(use.name()).isEqualTo(hash(DEFAULT_KEY, "cust-1"));
        }
    }

    @Test
    void withoutAnyIdEveryUseIsNamedByItsKeysFingerprint() {
        ConsentGateConfig config = config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, KeyUse.FIELD_HASH.keyConfig(), FIELD_KEY);

        String defaultFingerprint = new KeyedHash(DEFAULT_KEY.getBytes(StandardCharsets.UTF_8)).fingerprint();
        String fieldFingerprint = new KeyedHash(FIELD_KEY.getBytes(StandardCharsets.UTF_8)).fingerprint();
        assertThat(config.currentKey(KeyUse.PSEUDONYM).id()).isEqualTo(defaultFingerprint);
        assertThat(config.currentKey(KeyUse.FIELD_HASH).id()).isEqualTo(fieldFingerprint).isNotEqualTo(defaultFingerprint);
    }

    @Test
    void aUsesOwnKeyIsNeverNamedByTheDefaultKeysId() {
        ConsentGateConfig config = config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, ConsentGateConfig.HMAC_KEY_ID, "default-1",
                KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY);

        assertThat(config.currentKey(KeyUse.PSEUDONYM).id()).isEqualTo(new KeyedHash(PSEUDONYM_KEY.getBytes(StandardCharsets.UTF_8)).fingerprint());
        assertThat(config.currentKey(KeyUse.FIELD_HASH).id()).isEqualTo("default-1");
    }

    @Test
    void distinctKeysGiveDistinctHashesEachUnderItsOwnId() {
        ConsentGateConfig config = config(KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY, KeyUse.PSEUDONYM.idConfig(), "pseudonym-2026-01",
                KeyUse.FIELD_HASH.keyConfig(), FIELD_KEY, KeyUse.FIELD_HASH.idConfig(), "fields-2026-01", KeyUse.STATE.keyConfig(), STATE_KEY);

        HmacKey pseudonym = config.currentKey(KeyUse.PSEUDONYM);
        HmacKey fields = config.currentKey(KeyUse.FIELD_HASH);
        assertThat(pseudonym.id()).isEqualTo("pseudonym-2026-01");
        assertThat(fields.id()).isEqualTo("fields-2026-01");
        assertThat(pseudonym.hash().hex("cust-1")).isEqualTo(hash(PSEUDONYM_KEY, "cust-1"));
        assertThat(fields.hash().hex("cust-1")).isEqualTo(hash(FIELD_KEY, "cust-1")).isNotEqualTo(pseudonym.hash().hex("cust-1"));
    }

    @Test
    void aShortKeyIsRefusedNamingTheSettingAndNeverShowingTheKey() {
        String key = "0123456789abcdefghijklmnopqrstu"; // 31 bytes

        assertThatThrownBy(() -> config(ConsentGateConfig.HMAC_KEY, key))
                .isInstanceOf(ConfigException.class)
                .hasMessage("consentgate.hmac.key is shorter than 32 bytes" + HOW);
        assertThatThrownBy(() -> config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, KeyUse.PSEUDONYM.keyConfig(), key))
                .hasMessage("consentgate.keys.pseudonym is shorter than 32 bytes" + HOW)
                .hasMessageNotContaining(key);
    }

    @Test
    void thirtyTwoBytesAreCountedInUtf8NotInCharacters() {
        // 16 characters, 32 bytes: two bytes each.
        String accented = "éèêëàâäîïôöûüçñá";
        assertThat(config(ConsentGateConfig.HMAC_KEY, accented).currentKey(KeyUse.PSEUDONYM).hash().hex("x")).hasSize(64);
        // 31 characters, 31 bytes.
        assertThatThrownBy(() -> config(ConsentGateConfig.HMAC_KEY, "abcdefghijklmnopqrstuvwxyz01234"))
                .hasMessage("consentgate.hmac.key is shorter than 32 bytes" + HOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "passwordpasswordpasswordpasswordpassword",
            "0123456789012345678901234567890123456789"})
    void aKeyOfOneShortPatternRepeatedIsRefused(String key) {
        assertThatThrownBy(() -> config(ConsentGateConfig.HMAC_KEY, key))
                .hasMessage("consentgate.hmac.key is one short pattern repeated" + HOW);
    }

    @Test
    void aKeyOfFewerThanEightDifferentCharactersIsRefused() {
        assertThatThrownBy(() -> config(KeyUse.FIELD_HASH.keyConfig(), "0110101110011010011101110100110110111010", ConsentGateConfig.HMAC_KEY,
                DEFAULT_KEY))
                .hasMessage("consentgate.keys.field.hash has fewer than 8 different characters" + HOW);
    }

    @Test
    void aKeyMadeAsTheDocsSayIsAccepted() {
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        String key = Base64.getEncoder().encodeToString(random);

        assertThat(config(ConsentGateConfig.HMAC_KEY, key).currentKey(KeyUse.PSEUDONYM).hash().hex("x"))
                .isEqualTo(hash(key, "x"));
    }

    @Test
    void withoutAnyKeyTheStartStopsNamingEveryUseAndTheDefault() {
        assertThatThrownBy(() -> config())
                .hasMessage("no HMAC key for consentgate.keys.pseudonym, consentgate.keys.field.hash, consentgate.keys.state: set "
                        + "consentgate.hmac.key, the key of every use, or each use's own key" + HOW);
        assertThatThrownBy(() -> config(KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY))
                .hasMessageStartingWith("no HMAC key for consentgate.keys.field.hash, consentgate.keys.state: ");
    }

    @Test
    void eachUsesOwnKeyIsEnoughWithoutTheDefault() {
        ConsentGateConfig config = config(KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY, KeyUse.FIELD_HASH.keyConfig(), FIELD_KEY,
                KeyUse.STATE.keyConfig(), STATE_KEY);

        assertThat(config.currentKey(KeyUse.PSEUDONYM).hash().hex("x")).isEqualTo(hash(PSEUDONYM_KEY, "x"));
        assertThat(config.currentKey(KeyUse.STATE).hash().hex("x")).isEqualTo(hash(STATE_KEY, "x"));
    }

    @Test
    void theStateKeyDoesNotRotateSoItHasNeitherIdNorPreviousKeys() {
        // The state is found by its hashes: a previous key would find nothing, and its id is written nowhere.
        assertThat(KeyUse.STATE.rotates()).isFalse();
        assertThat(ConsentGateConfig.DEFINITION.names()).contains(KeyUse.STATE.keyConfig())
                .doesNotContain(KeyUse.STATE.idConfig(), KeyUse.STATE.previousKeysFileConfig());
        assertThat(config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, KeyUse.STATE.keyConfig(), STATE_KEY).previousKeysFile(KeyUse.STATE))
                .isEmpty();
    }

    @Test
    void anIdOfNoKeyIsRefused() {
        assertThatThrownBy(() -> config(KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY, KeyUse.FIELD_HASH.keyConfig(), FIELD_KEY,
                KeyUse.STATE.keyConfig(), STATE_KEY, ConsentGateConfig.HMAC_KEY_ID, "default-1"))
                .hasMessage("consentgate.hmac.key.id is set but consentgate.hmac.key is not: the id names no key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"key 1", "a=b", "clé"})
    void anIdThatCannotBeWrittenToAPreviousKeysFileIsRefused(String id) {
        assertThatThrownBy(() -> config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, KeyUse.PSEUDONYM.idConfig(), id))
                .hasMessage("Invalid value " + id + " for configuration consentgate.keys.pseudonym.id: a key id is printable ASCII, "
                        + "without spaces or '='");
    }

    @Test
    void previousKeysAreReadByIdAfterTheCurrentKey() {
        ConsentGateConfig config = config(KeyUse.PSEUDONYM.keyConfig(), PSEUDONYM_KEY, KeyUse.PSEUDONYM.idConfig(), "p-2026",
                ConsentGateConfig.HMAC_KEY, DEFAULT_KEY);

        KeyRing ring = config.keyRing(KeyUse.PSEUDONYM, "# rotated out in 2026\n\np-2025 = " + DEFAULT_KEY + "\np-2024=" + FIELD_KEY + "\n");

        assertThat(ring.all()).extracting(HmacKey::id).containsExactly("p-2026", "p-2025", "p-2024");
        assertThat(ring.hashesOf("cust-1")).containsExactlyInAnyOrder(hash(PSEUDONYM_KEY, "cust-1"), hash(DEFAULT_KEY, "cust-1"),
                hash(FIELD_KEY, "cust-1"));
        assertThat(config.keyRing(KeyUse.FIELD_HASH, "").all()).extracting(HmacKey::id)
                .containsExactly(new KeyedHash(DEFAULT_KEY.getBytes(StandardCharsets.UTF_8)).fingerprint());
    }

    @Test
    void aWeakPreviousKeyIsRefusedNamingTheFileSettingLineAndIdNeverTheKey() {
        ConsentGateConfig config = config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY);

        assertThatThrownBy(() -> config.keyRing(KeyUse.PSEUDONYM, "p-2025=" + FIELD_KEY + "\np-2024=short-old-key\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("consentgate.keys.pseudonym.previous.file line 2 (key id p-2024) is shorter than 32 bytes" + HOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-equals-sign-" + FIELD_KEY, "=" + FIELD_KEY, "an id=" + FIELD_KEY})
    void aLineThatIsNotIdEqualsKeyIsRefusedWithoutShowingIt(String line) {
        ConsentGateConfig config = config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY);

        assertThatThrownBy(() -> config.keyRing(KeyUse.PSEUDONYM, line))
                .hasMessage("consentgate.keys.pseudonym.previous.file line 1 is not id=key with an id of printable ASCII without spaces or '='")
                .hasMessageNotContaining(FIELD_KEY);
    }

    @Test
    void anIdGivenToTwoKeysIsRefused() {
        ConsentGateConfig config = config(ConsentGateConfig.HMAC_KEY, DEFAULT_KEY, ConsentGateConfig.HMAC_KEY_ID, "k-1");

        assertThatThrownBy(() -> config.keyRing(KeyUse.PSEUDONYM, "k-1=" + FIELD_KEY))
                .hasMessage("consentgate.keys.pseudonym.previous.file: key id k-1 is given to more than one key");
        assertThatThrownBy(() -> config.keyRing(KeyUse.PSEUDONYM, "k-0=" + FIELD_KEY + "\nk-0=" + PSEUDONYM_KEY))
                .hasMessage("consentgate.keys.pseudonym.previous.file: key id k-0 is given to more than one key");
    }
}
