package dev.consentgate.policy;

import java.util.List;

/**
 * How a policy is kept in the policy topic (docs/audit.md#policies-in-the-log): the key is its content hash (lowercase
 * hex SHA-256 of the file's bytes, as in every audit record's {@code policyHash}), the value the file's bytes, and two
 * headers its version and when the service started with it. The topic is compacted: one record per policy text stays.
 */
public final class PolicyLogRecord {

    /** Header: the policy's {@code version}, UTF-8. */
    public static final String VERSION_HEADER = "consentgate-policy-version";
    /** Header: when a service started with the policy, ISO-8601 instant, UTF-8. */
    public static final String STARTED_AT_HEADER = "consentgate-policy-started-at";

    private PolicyLogRecord() {
    }

    /**
     * The policy a record of the policy topic holds, checked against its key: a text whose hash is not the one its key
     * names is refused, as a record that does not parse. {@code source} names the record in the PolicyException.
     */
    public static Policy read(String key, byte[] text, String source) {
        if (text == null) {
            throw new PolicyException(source, List.of(new PolicyProblem(0, "holds no policy text")));
        }
        String hash = PolicyParser.sha256Hex(text);
        if (!hash.equals(key)) {
            throw new PolicyException(source, List.of(new PolicyProblem(0, "its text has sha256 " + hash
                    + ", but its key names " + key + ": refused")));
        }
        return PolicyParser.parse(source, text);
    }
}
