namespace Placement.Api.Tests.Database;

/// <summary>A test that runs upstream Placement; skipped, saying why, where /usr/bin/python3 cannot import it.</summary>
internal sealed class UpstreamFactAttribute : FactAttribute
{
    public UpstreamFactAttribute()
    {
        if (UpstreamPlacement.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that runs upstream Placement; skipped, saying why, where /usr/bin/python3 cannot import it.</summary>
internal sealed class UpstreamTheoryAttribute : TheoryAttribute
{
    public UpstreamTheoryAttribute()
    {
        if (UpstreamPlacement.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
