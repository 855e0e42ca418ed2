using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Placement.Api.Database;

/// <summary>
/// Oracle's MySQL provider writes EF Core's bulk deletes (ExecuteDelete) in MySQL 8's single-table form with an
/// alias, <c>DELETE FROM `t` AS `a` WHERE ...</c>, which MariaDB before 11.6 refuses as a syntax error. The
/// multiple-table form <c>DELETE `a` FROM `t` AS `a` WHERE ...</c> means the same to MySQL and every MariaDB, so
/// such statements are sent in that form.
/// </summary>
internal sealed partial class MysqlDeleteSyntax : DbCommandInterceptor
{
    public static string Rewrite(string sql) => AliasedDelete().Replace(sql, "DELETE ${alias} FROM ${table} AS ${alias}", 1);

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        command.CommandText = Rewrite(command.CommandText);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        command.CommandText = Rewrite(command.CommandText);
        return ValueTask.FromResult(result);
    }

    [GeneratedRegex(@"^\s*DELETE FROM (?<table>`[^`]+`) AS (?<alias>`[^`]+`)")]
    private static partial Regex AliasedDelete();
}
