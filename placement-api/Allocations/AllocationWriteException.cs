namespace Placement.Api.Allocations;

/// <summary>Why an allocation write was refused, in the terms upstream's handlers each word differently.</summary>
public enum AllocationWriteFailure
{
    /// <summary>A resource class does not exist (upstream: ResourceClassNotFound, a NotFound).</summary>
    UnknownResourceClass,

    /// <summary>No such inventory, or it has no room or other units (upstream: InvalidInventory and subclasses).</summary>
    InvalidInventory,

    /// <summary>A provider or consumer changed under the write (upstream: ConcurrentUpdateDetected).</summary>
    ConcurrentUpdate,
}

/// <summary>
/// A refused allocation write. The message is upstream's exception text; each caller (PUT, POST,
/// the reshaper) puts its own words and status around it, as upstream's handlers do.
/// </summary>
public sealed class AllocationWriteException(AllocationWriteFailure failure, string message) : Exception(message)
{
    public AllocationWriteFailure Failure { get; } = failure;
}
