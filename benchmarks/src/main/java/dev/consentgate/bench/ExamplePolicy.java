package dev.consentgate.bench;

import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The example policy bundled in the app, so the benchmarks measure the policy users start from. */
public final class ExamplePolicy {

    public static final String RESOURCE = "/policy/example-policy.yaml";
    /** A fixed key: benchmarks need a valid one, not a secret one. */
    public static final String HMAC_KEY = "benchmark-hmac-key-0123456789-abcdefghijklmnop";

    private ExamplePolicy() {
    }

    public static Policy load() {
        try (InputStream in = ExamplePolicy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return PolicyParser.parse("example-policy.yaml", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
