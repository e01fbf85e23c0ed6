package dev.consentgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChainHashTest {

    /** A wire-format value: header with schema id 7, a body, the previous hash, then 32 bytes for the hash. */
    static byte[] value(byte[] previousHash, String body) {
        byte[] canonical = body.getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[5 + canonical.length + 64];
        value[4] = 7;
        System.arraycopy(canonical, 0, value, 5, canonical.length);
        System.arraycopy(previousHash, 0, value, 5 + canonical.length, 32);
        return value;
    }

    @Test
    void hashIsSha256OfThePreviousHashThenTheBodyWithoutTheLinkHashes() {
        byte[] previous = new byte[32];
        Arrays.fill(previous, (byte) 1);
        byte[] value = value(previous, "canonical");

        byte[] hash = ChainHash.seal(value);

        // Reference: python3 -c "import hashlib; print(hashlib.sha256(b'\x01'*32+b'canonical').hexdigest())"
        assertThat(ChainHash.hex(hash)).isEqualTo("a41dc0dec869bdfd714092da047e9d239392ddaa7b4080b8afac25feda3b952c");
        assertThat(ChainHash.storedHash(value)).isEqualTo(hash);
        assertThat(ChainHash.previousHash(value)).isEqualTo(previous);
    }

    @Test
    void theSchemaIdIsNotPartOfTheHash() {
        byte[] value = value(ChainHash.zeros(), "same body");
        byte[] renumbered = value.clone();
        renumbered[4] = 9;

        assertThat(ChainHash.computedHash(renumbered)).isEqualTo(ChainHash.computedHash(value));
    }

    @Test
    void aValueThatIsNotInTheWireFormatIsRefused() {
        byte[] value = value(ChainHash.zeros(), "body");
        value[0] = 1;

        assertThat(ChainHash.isLinkable(value)).isFalse();
        assertThat(ChainHash.isLinkable(new byte[40])).isFalse();
        assertThatThrownBy(() -> ChainHash.computedHash(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an audit record in the Confluent wire format (73 bytes)");
    }
}
