package dev.consentgate.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TransientErrorsTest {

    @Test
    void anUnreachableRegistryIsTransientWhateverSerdeReportsIt() {
        assertThat(TransientErrors.isTransient(new SchemaRegistryUnavailableException("down"))).isTrue();
        assertThat(TransientErrors.isTransient(new SerializationException("Error retrieving Avro schema", new ConnectException("refused")))).isTrue();
    }

    @Test
    void aRecordThatCannotBeReadIsNot() {
        assertThat(TransientErrors.isTransient(new SerializationException("bad", new EOFException()))).isFalse();
        assertThat(TransientErrors.isTransient(new SerializationException("bad"))).isFalse();
    }
}
