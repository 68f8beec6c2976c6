import 'gridfleet-cucumber/register';
