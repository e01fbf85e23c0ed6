package dev.consentgate.enforce;

import dev.consentgate.output.OutputHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
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
    public Map<Search, Long> offsetsOf(Set<Search> searches, Timer timer) {
        Map<Search, Long> found = new HashMap<>();
        searches.forEach(search -> offsetOf(search).ifPresent(offset -> found.put(search, offset)));
        return found;
    }

    private OptionalLong offsetOf(Search search) {
        List<TestRecord<byte[], byte[]>> records = driver.writtenTo(search.topic());
        int start = 0;
        while (start < records.size() && records.get(start).timestamp() < search.timestamp()) {
            start++;
        }
        for (int offset = start; offset < records.size(); offset++) {
            TestRecord<byte[], byte[]> record = records.get(offset);
            Header header = record.headers().lastHeader(OutputHeaders.EVENT_ID);
            if (Arrays.equals(record.key(), search.key().getBytes(StandardCharsets.UTF_8)) && header != null
                    && Arrays.equals(header.value(), search.eventId().getBytes(StandardCharsets.UTF_8))) {
                return OptionalLong.of(offset);
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
    }
}
