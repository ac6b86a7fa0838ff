export { startDashboard, DASHBOARD_HOST, type Dashboard, type DashboardOptions } from './server.js';
