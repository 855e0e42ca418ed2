namespace Placement.Api.Http;

/// <summary>Upstream's pick_last_modified, over all the rows a response shows.</summary>
public static class LastModified
{
    /// <summary>
    /// The newest of the rows' times (each row's updated_at, else created_at); a row with neither
    /// was not read from the database, so it counts as changed now. Null when there are no rows.
    /// </summary>
    public static DateTime? Newest(IEnumerable<DateTime?> rowTimes)
    {
        DateTime? newest = null;
        foreach (var time in rowTimes)
        {
            var candidate = time ?? DateTime.UtcNow;
            if (newest is null || candidate > newest)
            {
                newest = candidate;
            }
        }
        return newest;
    }
}
