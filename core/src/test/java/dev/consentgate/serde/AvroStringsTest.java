package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroStringsTest {

    /** How a string is handed to an encoder: Avro's own writeString, or one of AvroStrings'. */
    @FunctionalInterface
    private interface Writing {
        void write(Encoder out, String value) throws IOException;
    }

    @Test
    void anEmptyStringIsTheSingleByteZero() throws IOException {
        assertThat(bytes(AvroStrings::write, "")).containsExactly(0);
        assertThat(bytes(AvroStrings::writeRepeated, "")).containsExactly(0);
    }

    @Test
    void anAsciiStringIsItsDoubledLengthThenItsBytes() throws IOException {
        byte[] expected = {14, 'c', 'o', 'n', 's', 'e', 'n', 't'};
        assertThat(bytes(AvroStrings::write, "consent")).containsExactly(expected);
        assertThat(bytes(AvroStrings::writeRepeated, "consent")).containsExactly(expected);
    }

    @Test
    void theLengthCountsUtf8BytesNotCharacters() throws IOException {
        byte[] expected = {4, (byte) 0xC3, (byte) 0xA9};
        assertThat(bytes(AvroStrings::write, "é")).containsExactly(expected);
        assertThat(bytes(AvroStrings::writeRepeated, "é")).containsExactly(expected);
    }

    @Test
    void aPolicyHashOf64CharactersHasATwoByteLength() throws IOException {
        String hash = "0123456789abcdef".repeat(4);
        assertThat(bytes(AvroStrings::writeRepeated, hash)).startsWith(0x80, 0x01).hasSize(66);
        assertThat(bytes(AvroStrings::write, hash)).startsWith(0x80, 0x01).hasSize(66);
    }

    @Test
    void bothWritesGiveAvrosBytesForRandomStrings() throws IOException {
        Random random = new Random(20_251_123L);
        for (int i = 0; i < 2_000; i++) {
            String value = randomString(random);
            byte[] avro = bytes(Encoder::writeString, value);
            assertThat(bytes(AvroStrings::write, value)).as("write %s", value).isEqualTo(avro);
            // Twice: once encoded and kept, once from what was kept.
            assertThat(bytes(AvroStrings::writeRepeated, value)).as("writeRepeated %s", value).isEqualTo(avro);
            assertThat(bytes(AvroStrings::writeRepeated, value)).as("writeRepeated again %s", value).isEqualTo(avro);
        }
    }

    @Test
    void repeatedStringsKeepTheirBytesWhateverWasWrittenBetweenAndWhicheverInstanceComes() throws IOException {
        // More strings than the table by identity has slots, so they replace each other there between the passes.
        Random random = new Random(20_261_123L);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            values.add(i + ":" + randomString(random));
        }
        for (int pass = 0; pass < 3; pass++) {
            for (String value : values) {
                // The middle pass writes other instances of the same text.
                String instance = pass == 1 ? new String(value.toCharArray()) : value;
                assertThat(bytes(AvroStrings::writeRepeated, instance)).as("pass %d, %s", pass, value)
                        .isEqualTo(bytes(Encoder::writeString, value));
            }
        }
    }

    @Test
    void keptEncodingsStopAtTheBoundAndLaterStringsAreStillWritten() throws IOException {
        for (int i = 0; i <= AvroStrings.MAX_REPEATED; i++) {
            AvroStrings.writeRepeated(EncoderFactory.get().directBinaryEncoder(new ByteArrayOutputStream(), null), "bound-" + i);
        }
        assertThat(AvroStrings.repeatedCount()).isEqualTo(AvroStrings.MAX_REPEATED);
        assertThat(bytes(AvroStrings::writeRepeated, "past the bound")).isEqualTo(bytes(Encoder::writeString, "past the bound"));
        assertThat(AvroStrings.repeatedCount()).isEqualTo(AvroStrings.MAX_REPEATED);
    }

    /** ASCII, Latin-1, other BMP characters, surrogate pairs and lone surrogates (which UTF-8 writes as '?'). */
    private static String randomString(Random random) {
        int length = random.nextInt(80);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(5)) {
                case 0, 1 -> text.append((char) (0x20 + random.nextInt(0x5F)));
                case 2 -> text.append((char) (0xA0 + random.nextInt(0x60)));
                case 3 -> text.append((char) (0x400 + random.nextInt(0x8000)));
                default -> text.append(random.nextBoolean() ? Character.toChars(0x1F600 + random.nextInt(0x50)) : new char[] {(char) 0xD800});
            }
        }
        return text.toString();
    }

    private static byte[] bytes(Writing writing, String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writing.write(encoder, value);
        encoder.flush();
        return out.toByteArray();
    }
}
