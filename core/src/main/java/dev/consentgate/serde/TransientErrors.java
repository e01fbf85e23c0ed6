package dev.consentgate.serde;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a failure worth retrying (a registry or broker that is away) from a record that will never
 * be readable. Kafka's own {@link RetriableException} says so explicitly; other serdes (Confluent's)
 * wrap the network error of an unreachable registry in a plain SerializationException. Other I/O
 * errors are not transient: Avro reports a truncated record as an {@code EOFException}.
 */
public final class TransientErrors {

    private TransientErrors() {
    }

    public static boolean isTransient(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof RetriableException || t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
