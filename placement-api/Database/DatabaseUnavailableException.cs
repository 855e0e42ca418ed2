namespace Placement.Api.Database;

/// <summary>
/// The database cannot be reached (down, restarting, out of connections): the request fails with
/// 503 and the next one tries again. Thrown by <see cref="DatabaseOutageDetector"/>.
/// </summary>
/// <param name="whileConnecting">No connection could be opened (rather than one was lost): the server is down or out of reach.</param>
public sealed class DatabaseUnavailableException(Exception cause, bool whileConnecting = false)
    : Exception("The database is unavailable; try again later.", cause)
{
    public bool WhileConnecting { get; } = whileConnecting;

    /// <summary>This exception in <paramref name="error"/>'s chain of inner exceptions (EF wraps what it catches), or null.</summary>
    public static DatabaseUnavailableException? FindIn(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is DatabaseUnavailableException unavailable)
            {
                return unavailable;
            }
        }

        return null;
    }
}
