import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes every record of the given topics, from the beginning until the topics are quiet, as one
 * JSON file each: {topic, partition, offset, headers, key, value}, key and value parsed as the
 * JSON the converter wrote (null for a tombstone), headers as text.
 * Usage: java -cp 'lib/*' DumpTopics.java BOOTSTRAP OUTDIR TOPIC...
 */
public class DumpTopics {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("group.id", "dump-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        int written = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(args).subList(2, args.length));
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - quietSince < 8_000) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    quietSince = System.currentTimeMillis();
                    ObjectNode node = json.createObjectNode();
                    node.put("topic", r.topic());
                    node.put("partition", r.partition());
                    node.put("offset", r.offset());
                    ObjectNode headers = node.putObject("headers");
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    node.set("key", parse(json, r.key()));
                    node.set("value", parse(json, r.value()));
                    Files.writeString(out.resolve(r.topic() + "-" + r.offset() + ".json"), json.writeValueAsString(node) + "\n");
                    written++;
                }
            }
        }
        System.out.println("wrote " + written + " records to " + out);
    }

    private static JsonNode parse(ObjectMapper json, byte[] bytes) throws Exception {
        return bytes == null ? null : json.readTree(bytes);
    }
}
