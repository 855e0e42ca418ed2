using Placement.Operator.Controller;

namespace Placement.Operator.Tests;

public class WorkQueueTests
{
    private static WorkQueue<string> Queue() => new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40));

    [Fact]
    public async Task A_key_added_twice_is_processed_once()
    {
        using var queue = Queue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("b", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_key_added_while_processing_waits_until_done()
    {
        using var queue = Queue();
        queue.Add("a");
        var key = await queue.TakeAsync(CancellationToken.None);

        queue.Add("a");
        Assert.Equal(0, queue.Count);

        queue.Done(key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Failures_back_off_exponentially_up_to_the_maximum_and_forget_resets()
    {
        using var queue = Queue();

        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.AddRateLimited("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(20), queue.AddRateLimited("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(40), queue.AddRateLimited("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(40), queue.AddRateLimited("a"));
        queue.Forget("a");
        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.AddRateLimited("a"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("a", await queue.TakeAsync(timeout.Token));
    }

    [Fact]
    public async Task Delayed_adds_of_one_key_keep_only_the_earliest()
    {
        using var queue = Queue();
        queue.AddAfter("a", TimeSpan.FromMilliseconds(200));
        queue.AddAfter("a", TimeSpan.FromMilliseconds(50));
        queue.AddAfter("a", TimeSpan.FromMilliseconds(100));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        queue.Done(await queue.TakeAsync(timeout.Token));
        await Task.Delay(400);

        // Periodic requeues (one per reconcile) must not pile up: the later ones were dropped, not queued again.
        Assert.Equal(0, queue.Count);
    }
}
