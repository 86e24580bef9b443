-- set_survival_goal__down: region -> zone survival
ALTER DATABASE bluemarble SURVIVE ZONE FAILURE;
