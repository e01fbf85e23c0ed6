package dev.consentgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyedHashTest {

    /** RFC 4231, test case 6: HMAC-SHA-256 with a key of 131 0xaa bytes (its cases with shorter keys are below the floor). */
    private static final byte[] RFC_4231_KEY = filled(131, (byte) 0xaa);

    @Test
    void theFingerprintIsTheFirstSixteenHexDigitsOfTheHmacOfAFixedText() {
        assertThat(new KeyedHash(RFC_4231_KEY).fingerprint()).isEqualTo("8289210397875b8a");
        assertThat(new KeyedHash(filled(131, (byte) 0xab)).fingerprint()).isNotEqualTo("8289210397875b8a");
    }

    @Test
    void isHmacSha256InLowercaseHex() {
        assertThat(new KeyedHash(RFC_4231_KEY).hex("Test Using Larger Than Block-Size Key - Hash Key First"))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void keptAnswersStayRightWhenMoreValuesTakeTurnsThanAreKept() throws Exception {
        KeyedHash hash = new KeyedHash(RFC_4231_KEY);
        List<String> values = List.of("cust-1", "ada@example.com", "cust-2", "+44 20 7946 0000", "cust-3", "cust-1");
        Mac reference = Mac.getInstance("HmacSHA256");
        reference.init(new SecretKeySpec(RFC_4231_KEY, "HmacSHA256"));

        // Values in turns, each round reaching past the kept answers, in one order and then the other.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < values.size(); i++) {
                String value = values.get(round % 2 == 0 ? i : values.size() - 1 - i);
                assertThat(hash.hex(value)).as("round %d, %s", round, value)
                        .isEqualTo(HexFormat.of().formatHex(reference.doFinal(value.getBytes(StandardCharsets.UTF_8))));
            }
        }
        assertThat(values.size()).isGreaterThan(KeyedHash.REMEMBERED);
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
