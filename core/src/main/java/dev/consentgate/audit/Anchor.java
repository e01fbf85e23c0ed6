package dev.consentgate.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A copy of the latest signed checkpoints, kept outside Kafka. Its encoding is UTF-8 text, one item per line, readable
 * by any tool (docs/audit.md#anchors):
 *
 * <pre>
 * consentgate-anchor 1
 * created 2026-12-06T10:00:00Z
 * audit-topic consent.audit
 * checkpoint-topic consent.audit.checkpoints
 * previous &lt;hex SHA-256 of the previous anchor's bytes; 64 zeros for the first&gt;
 * checkpoint &lt;hex of the 129-byte checkpoint&gt;      (one per audit partition)
 * end &lt;hex SHA-256 of every byte before this line&gt;
 * </pre>
 *
 * {@code previous} chains the anchors, so that one removed from the middle shows; {@code end} shows a file cut short.
 */
public record Anchor(Instant created, String auditTopic, String checkpointTopic, byte[] previous, List<Checkpoint> checkpoints) {

    public static final String MAGIC = "consentgate-anchor 1";
    private static final HexFormat HEX = HexFormat.of();

    public byte[] encode() {
        StringBuilder text = new StringBuilder();
        text.append(MAGIC).append('\n')
                .append("created ").append(created).append('\n')
                .append("audit-topic ").append(auditTopic).append('\n')
                .append("checkpoint-topic ").append(checkpointTopic).append('\n')
                .append("previous ").append(HEX.formatHex(previous)).append('\n');
        checkpoints.forEach(c -> text.append("checkpoint ").append(HEX.formatHex(c.encode())).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] end = ("end " + HEX.formatHex(sha256(body)) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] encoded = Arrays.copyOf(body, body.length + end.length);
        System.arraycopy(end, 0, encoded, body.length, end.length);
        return encoded;
    }

    /** Reads an encoded anchor; an IllegalArgumentException says which line is wrong and how. */
    public static Anchor decode(byte[] encoded) {
        String text = new String(encoded, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("does not end with a line break: cut short");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 6 || !lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException("line 1 is not \"" + MAGIC + "\"");
        }
        String last = lines[lines.length - 1];
        byte[] body = text.substring(0, text.length() - last.length() - 1).getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(hex(value(last, "end", lines.length), lines.length, ChainHash.SIZE), sha256(body))) {
            throw new IllegalArgumentException("line " + lines.length + ": the end digest does not match the lines before it");
        }
        Instant created;
        try {
            created = Instant.parse(value(lines[1], "created", 2));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("line 2: not an ISO-8601 instant");
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (int i = 5; i < lines.length - 1; i++) {
            try {
                checkpoints.add(Checkpoint.decode(hex(value(lines[i], "checkpoint", i + 1), i + 1, Checkpoint.SIZE)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Anchor(created, value(lines[2], "audit-topic", 3), value(lines[3], "checkpoint-topic", 4),
                hex(value(lines[4], "previous", 5), 5, ChainHash.SIZE), List.copyOf(checkpoints));
    }

    /** SHA-256 of an anchor's bytes: what the next anchor's {@code previous} names. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String value(String line, String name, int lineNumber) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("line " + lineNumber + ": expected \"" + name + " ...\"");
        }
        return line.substring(name.length() + 1);
    }

    private static byte[] hex(String digits, int lineNumber, int size) {
        try {
            byte[] bytes = HEX.parseHex(digits);
            if (bytes.length == size) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("line " + lineNumber + ": expected " + size + " bytes in hex");
    }
}
