namespace Placement.Api.Allocations;

/// <summary>
/// What one consumer's allocations must become, as <see cref="AllocationWriter"/> takes it:
/// the complete set (an empty set removes them all), the consumer's owner and, from 1.28 and
/// 1.38, the generation the caller last saw and the consumer's type.
/// </summary>
public sealed record ConsumerAllocations
{
    /// <summary>The consumer's UUID, as stored in allocations.consumer_id.</summary>
    public required string ConsumerUuid { get; init; }

    /// <summary>Amounts by provider UUID, then by resource class name, in the order the caller gave them.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Resources { get; init; }

    /// <summary>The Keystone project and user; null before 1.8, when upstream files the consumer as "incomplete".</summary>
    public ConsumerOwner? Owner { get; init; }

    /// <summary>From 1.28: what the consumer's generation must be (a null value: the consumer must not exist yet).</summary>
    public ExpectedGeneration? Generation { get; init; }

    /// <summary>From 1.38: the consumer's type name; <see cref="ConsumerStore.UnknownConsumerType"/> means none.</summary>
    public string? ConsumerType { get; init; }
}

public readonly record struct ConsumerOwner(string ProjectId, string UserId);

/// <param name="Value">The generation the caller last saw, or null for "this consumer is new".</param>
public readonly record struct ExpectedGeneration(long? Value);
