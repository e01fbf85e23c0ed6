package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RegistryRetryTest {

    @Test
    void anUnreachableRegistryWrappedByAnotherSerdeIsAskedAgainInPlace() {
        // Given a call that fails once the way Confluent's serde reports a registry it cannot reach
        AtomicInteger calls = new AtomicInteger();

        // When
        int id = RegistryRetry.call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new SerializationException("Error serializing Avro message", new ConnectException("Connection refused"));
            }
            return 7;
        });

        // Then
        assertThat(id).isEqualTo(7);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailureThatIsNotTransientIsThrownAtOnce() {
        // Given
        AtomicInteger calls = new AtomicInteger();
        SerializationException refused = new SerializationException("Schema registry refused registering (HTTP 409)");

        // When / Then
        assertThatThrownBy(() -> RegistryRetry.call(() -> {
            calls.incrementAndGet();
            throw refused;
        })).isSameAs(refused);
        assertThat(calls).hasValue(1);
    }
}
