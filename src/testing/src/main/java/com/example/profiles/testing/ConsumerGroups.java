package com.example.profiles.testing;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * What the broker knows about consumer groups, through the real Admin client: who is in a group
 * and which partitions each member holds, and how far behind the group is. For tests that run
 * several instances of an application in one group and watch them rebalance.
 */
public final class ConsumerGroups implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 15;

    /** One member of a group: its {@code client.id} and the partitions assigned to it. */
    public record Member(String clientId, Set<TopicPartition> partitions) {
    }

    /** A group as the coordinator describes it: its state ({@code Stable}, {@code PreparingRebalance}, …) and members. */
    public record Group(String id, String state, List<Member> members) {

        /** Every partition assigned to any member. */
        public Set<TopicPartition> assigned() {
            return members.stream().flatMap(m -> m.partitions().stream()).collect(Collectors.toCollection(
                    () -> new TreeSet<>(java.util.Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))));
        }

        @Override
        public String toString() {
            return id + " " + state + " " + members.stream()
                    .map(m -> m.clientId() + "=" + m.partitions().stream().map(TopicPartition::partition).sorted().toList())
                    .toList();
        }
    }

    private final Admin admin;

    public ConsumerGroups(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        this.admin = Admin.create(props);
    }

    public int partitionCount(String topic) {
        return get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic).get(topic).partitions().size();
    }

    /** The group as its coordinator describes it now; state {@code (none)} and no members if nobody has joined it yet. */
    public Group describe(String groupId) {
        ConsumerGroupDescription description;
        try {
            description = get(admin.describeConsumerGroups(List.of(groupId)).all(), "describe group " + groupId).get(groupId);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof ExecutionException failed && failed.getCause() instanceof GroupIdNotFoundException) {
                return new Group(groupId, "(none)", List.of()); // nobody has joined it yet
            }
            throw e;
        }
        List<Member> members = description.members().stream()
                .map((MemberDescription m) -> new Member(m.clientId(), Set.copyOf(m.assignment().topicPartitions())))
                .toList();
        return new Group(groupId, description.groupState().toString(), members);
    }

    /**
     * How many records of {@code topic} the group has not committed yet: the sum over its partitions
     * of the log-end offset minus the committed offset (from the earliest offset where the group has
     * committed nothing).
     */
    public long lag(String groupId, String topic) {
        int partitions = partitionCount(topic);
        List<TopicPartition> all = java.util.stream.IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<TopicPartition, Long> end = offsets(all, OffsetSpec.latest());
        Map<TopicPartition, Long> start = offsets(all, OffsetSpec.earliest());
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                "offsets of " + groupId);
        long lag = 0;
        for (TopicPartition partition : all) {
            OffsetAndMetadata offset = committed.get(partition);
            lag += end.get(partition) - (offset == null ? start.get(partition) : offset.offset());
        }
        return lag;
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        return get(admin.listOffsets(request).all(), "list offsets").entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not " + what, e);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
