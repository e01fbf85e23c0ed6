package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueRedactorTest {

    private static final KeyedHash HASH = new KeyedHash("test-key-0123456789abcdef-ghijklmnopqrstuvwxyz".getBytes(StandardCharsets.UTF_8));
    private static final ValueRedactor REDACTOR = new ValueRedactor(HASH);
    private static final DataCategory EMAIL = DataCategory.of("user.contact.email");

    @Test
    void hashIsTheHmacSha256OfTheValueUnderTheKey() {
        // Reference value: printf 'jane@example.com' | openssl dgst -sha256 -hmac 'test-key-0123456789abcdef-ghijklmnopqrstuvwxyz'
        assertThat(redact(RedactionAction.HASH, EMAIL, "jane@example.com"))
                .isEqualTo("dbcaae2c56b4a441fbc8248ff612b76ee0427e5d8a7de830bd3d4a3dc4e12db2");
    }

    @ParameterizedTest
    @CsvSource({
            "jane@example.com, j***@example.com",
            "+44 20 7946 0958, ***58",
            "abcd, ***",
            "female, ***le",
            "'Met @ cafe, call +44 20 7946 0958', ***58",
            "a@b@example.com, ***om"})
    void maskKeepsOnlyAHint(String value, String masked) {
        assertThat(redact(RedactionAction.MASK, EMAIL, value)).isEqualTo(masked);
    }

    @Test
    void generalizeCoarsensPostalCodesDatesTimestampsAndNumbers() {
        DataCategory postal = DataCategory.of("user.contact.address.postal_code");
        DataCategory birth = DataCategory.of("user.demographic.date_of_birth");

        assertThat(redact(RedactionAction.GENERALIZE, postal, "94107")).isEqualTo("941");
        assertThat(redact(RedactionAction.GENERALIZE, postal, 94107)).as("a postal code stored as a number").isEqualTo("941");
        assertThat(redact(RedactionAction.GENERALIZE, postal, 2134)).as("02134 stored as a number: no longer a prefix").isEqualTo("*");
        assertThat(redact(RedactionAction.GENERALIZE, birth, LocalDate.of(1987, 3, 14))).isEqualTo("1987");
        assertThat(redact(RedactionAction.GENERALIZE, birth, Instant.parse("2001-07-01T10:00:00Z"))).isEqualTo("2001");
        assertThat(redact(RedactionAction.GENERALIZE, DataCategory.of("user.demographic.age_range"), 37)).isEqualTo("30-39");
        assertThat(redact(RedactionAction.GENERALIZE, EMAIL, "jane@example.com")).isEqualTo("*");
    }

    @Test
    void generalizeTurnsALocalTimestampIntoItsYearAndKeepsNothingOfATimeOfDay() {
        DataCategory visit = DataCategory.of("user.behavior.browsing_history");

        assertThat(redact(RedactionAction.GENERALIZE, visit, LocalDateTime.of(2026, 3, 14, 15, 9, 26))).isEqualTo("2026");
        assertThat(redact(RedactionAction.GENERALIZE, visit, LocalTime.of(15, 9, 26))).isEqualTo("*");
    }

    @Test
    void aListOrMapIsRefusedRatherThanTransformedAsText() {
        for (RedactionAction action : List.of(RedactionAction.HASH, RedactionAction.MASK, RedactionAction.GENERALIZE)) {
            assertThatThrownBy(() -> redact(action, EMAIL, List.of("alice@example.com", "bob.secret@corp.example")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain("bob.secret");
            assertThatThrownBy(() -> redact(action, EMAIL, Map.of("cc", "bob.secret@corp.example")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void nullStaysNullAndRemoveHasNoValue() {
        assertThat(redact(RedactionAction.HASH, EMAIL, null)).isNull();
        assertThatThrownBy(() -> redact(RedactionAction.REMOVE, EMAIL, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShortKeyIsRefusedAndTheKeyIsNeverPrinted() {
        assertThatThrownBy(() -> new KeyedHash("short".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("an HMAC key must be at least 32 bytes long");
        assertThat(HASH.toString()).doesNotContain("test-key");
    }

    private static String redact(RedactionAction action, DataCategory category, Object value) {
        return REDACTOR.apply(new FieldAction("field", category, action), value, FieldEncrypter.NONE);
    }
}
