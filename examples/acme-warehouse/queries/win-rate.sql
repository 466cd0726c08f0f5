-- Win rate per month: deals won as a share of the opportunities that reached a decision.
select
    last_day(day) as month_end,
    round(100.0 * sum(value) filter (where metric = 'deals_won')
                / sum(value) filter (where metric = 'opportunities'), 1) as win_rate
from 'warehouse/daily_metrics.csv'
where metric in ('deals_won', 'opportunities')
group by month_end
order by month_end
