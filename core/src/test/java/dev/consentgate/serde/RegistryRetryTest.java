package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.consentgate.testing.SteppedTime;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** The transaction the calls run in, under exactly-once: Kafka Streams' default {@code transaction.timeout.ms}. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aRegistryThatStaysDownIsAskedWithGrowingBackoffUntilTheBudgetIsSpentThenThrown() {
        // Given a registry that refuses every connection at once
        SteppedTime time = new SteppedTime(0);
        List<Long> attemptsAt = new ArrayList<>();
        SchemaRegistryUnavailableException down = new SchemaRegistryUnavailableException("registry down", new ConnectException("refused"));

        // When / Then: attempts at 0, 250, 750, 1750 and 3750 ms; a sixth would begin past the budget
        assertThatThrownBy(() -> RegistryRetry.call(() -> {
            attemptsAt.add(time.milliseconds());
            throw down;
        }, time)).isSameAs(down);
        assertThat(attemptsAt).containsExactly(0L, 250L, 750L, 1_750L, 3_750L);
        assertThat(RegistryRetry.BUDGET).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aRegistryThatNeverAnswersFailsTheCallBeforeTheTransactionTimesOut() {
        // Given a registry that lets every request run into the client's timeout
        SteppedTime time = new SteppedTime(0);
        AtomicInteger calls = new AtomicInteger();

        // When
        assertThatThrownBy(() -> RegistryRetry.call(() -> {
            calls.incrementAndGet();
            time.sleep(HttpSchemaRegistryClient.DEFAULT_TIMEOUT.toMillis());
            throw new SchemaRegistryUnavailableException("no answer", new HttpTimeoutException("request timed out"));
        }, time)).isInstanceOf(SchemaRegistryUnavailableException.class);

        // Then: 3 s, 250 ms of backoff, 3 s; a third attempt would begin past the budget
        assertThat(calls).hasValue(2);
        assertThat(time.milliseconds()).isEqualTo(6_250L);
        // With one registry URL the worst case, an attempt begun at the end of the budget that runs into the timeout, ends in time
        assertThat(RegistryRetry.BUDGET.plus(HttpSchemaRegistryClient.DEFAULT_TIMEOUT)).isLessThan(TRANSACTION_TIMEOUT);
    }

    @Test
    void anInterruptedThreadStopsAskingAfterItsBackoff() {
        SteppedTime time = new SteppedTime(0);
        AtomicInteger calls = new AtomicInteger();
        try {
            assertThatThrownBy(() -> RegistryRetry.call(() -> {
                calls.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new SchemaRegistryUnavailableException("registry down", new ConnectException("refused"));
            }, time)).isInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("interrupted while waiting for the schema registry");
            assertThat(calls).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }
}
