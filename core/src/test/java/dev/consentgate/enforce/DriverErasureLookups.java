package dev.consentgate.enforce;

import dev.consentgate.output.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The erasure lookups on what an {@link EnforcementDriver} was given and wrote: one partition per topic, a record's offset
 * its index. Searches like the brokers' do: from the first record at or after the timestamp.
 */
final class DriverErasureLookups implements ErasureLookups {

    private final EnforcementDriver driver;

    DriverErasureLookups(EnforcementDriver driver) {
        this.driver = driver;
    }

    @Override
    public Optional<byte[]> valueAt(String topic, int partition, long offset, Timer timer) {
        return Optional.ofNullable(driver.valueAt(topic, offset));
    }

    @Override
    public OptionalInt partitionOf(String topic, byte[] key, Timer timer) {
        return driver.writtenTo(topic).isEmpty() ? OptionalInt.empty() : OptionalInt.of(0);
    }

    @Override
    public OptionalLong offsetOf(String topic, int partition, byte[] key, long timestamp, String eventId, Timer timer) {
        List<TestRecord<byte[], byte[]>> records = driver.writtenTo(topic);
        int start = 0;
        while (start < records.size() && records.get(start).timestamp() < timestamp) {
            start++;
        }
        for (int offset = start; offset < records.size(); offset++) {
            TestRecord<byte[], byte[]> record = records.get(offset);
            Header header = record.headers().lastHeader(OutputHeaders.EVENT_ID);
            if (Arrays.equals(record.key(), key) && header != null
                    && Arrays.equals(header.value(), eventId.getBytes(StandardCharsets.UTF_8))) {
                return OptionalLong.of(offset);
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
    }
}
