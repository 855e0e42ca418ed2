using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace Placement.Api.Database;

/// <summary>
/// The MySQL or MariaDB version Pomelo writes its SQL for, asked of the server on first use rather
/// than at start: a server that is down then makes requests fail with 503, not the process.
/// </summary>
internal sealed class MysqlServer(DatabaseUrl url)
{
    private ServerVersion? _version;

    public ServerVersion Version => _version ??= Detect();

    private ServerVersion Detect()
    {
        try
        {
            return ServerVersion.AutoDetect(url.ConnectionString);
        }
        catch (MySqlException e) when (DatabaseOutageDetector.IsOutage(e))
        {
            throw new DatabaseUnavailableException(e);
        }
    }
}
