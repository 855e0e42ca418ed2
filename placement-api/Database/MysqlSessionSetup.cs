using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Placement.Api.Database;

/// <summary>
/// Every MySQL session in oslo.db's default mode (TRADITIONAL: bad values are errors, not
/// warnings) plus NO_AUTO_VALUE_ON_ZERO, which upstream sets to store VCPU, the resource class with id 0.
/// </summary>
internal sealed class MysqlSessionSetup : DbConnectionInterceptor
{
    private const string Setup = "SET SESSION sql_mode = 'TRADITIONAL,NO_AUTO_VALUE_ON_ZERO'";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Setup;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Setup;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
